package io.ironsync.app;

import io.ironsync.auth.AuthKeys;
import io.ironsync.auth.TokenIssuer;
import io.ironsync.config.IronSyncConfig;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Prints a token (and nothing else) signed with the configured or standalone key. */
@Command(
    name = "token",
    description = "Print a bearer token for a user, signed with the configured HS256 secret.")
final class TokenCommand implements Callable<Integer> {

  @CommandLine.Mixin ConfigOption config;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--user", required = true, description = "user id (the token's sub)")
  String user;

  @Option(names = "--device", description = "device id recorded on this user's changes")
  String device;

  @Option(
      names = "--ttl-seconds",
      defaultValue = "86400",
      description = "lifetime in seconds (default: ${DEFAULT-VALUE})")
  long ttlSeconds;

  @Override
  public Integer call() throws Exception {
    if (ttlSeconds <= 0 || ttlSeconds > Integer.MAX_VALUE) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--ttl-seconds must be positive");
    }
    IronSyncConfig settings = config.load();
    Files.createDirectories(settings.dataDir());
    AuthKeys keys = AuthKeys.resolve(settings.auth(), settings.dataDir());
    Vertx vertx = Vertx.vertx();
    try {
      String token =
          TokenIssuer.create(vertx, keys, settings.auth().issuer(), settings.auth().audience())
              .issue(user, device, Duration.ofSeconds(ttlSeconds));
      spec.commandLine().getOut().println(token);
      spec.commandLine().getOut().flush();
      return 0;
    } catch (IllegalArgumentException | IllegalStateException e) {
      spec.commandLine().getErr().println("ironsync token: " + e.getMessage());
      return 2;
    } finally {
      vertx.close();
    }
  }
}
