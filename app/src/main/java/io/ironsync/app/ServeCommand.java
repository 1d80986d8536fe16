package io.ironsync.app;

import io.ironsync.config.IronSyncConfig;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Starts a gateway node and runs until SIGTERM/SIGINT, then stops gracefully. */
@Command(name = "serve", description = "Run the gateway (the default command).")
final class ServeCommand implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);
  private static volatile boolean serving;

  @CommandLine.Mixin ConfigOption config;

  ServeCommand() {}

  ServeCommand(ConfigOption config) {
    this.config = config;
  }

  static boolean isServing() {
    return serving;
  }

  @Override
  public void run() {
    IronSyncConfig settings = config.load();
    long started = System.nanoTime();
    Gateway gateway = Gateway.start(settings);
    serving = true;
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  gateway.stop();
                  stopped.countDown();
                },
                "ironsync-shutdown"));
    LOG.atInfo()
        .addKeyValue("http", "http://localhost:" + gateway.port())
        .addKeyValue("https", "https://localhost:" + gateway.tlsPort())
        .addKeyValue("management", "http://localhost:" + gateway.managementPort())
        .addKeyValue("startupMs", (System.nanoTime() - started) / 1_000_000)
        .log(
            "IronSync ready on http://localhost:{} (HTTP/1.1 and h2c) and https://localhost:{} (h2,"
                + " TLS); get a token with: java -jar ironsync.jar token --user alice",
            gateway.port(),
            gateway.tlsPort());
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
