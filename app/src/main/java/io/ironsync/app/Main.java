package io.ironsync.app;

import io.ironsync.config.ConfigException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar ironsync.jar [serve|token|migrate|gc] [--config FILE]}; serve is the default.
 */
@Command(
    name = "ironsync",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "IronSync file-sync gateway.",
    subcommands = {ServeCommand.class, TokenCommand.class, MigrateCommand.class, GcCommand.class})
public final class Main implements Runnable {

  @CommandLine.Mixin ConfigOption config;

  @Override
  public void run() {
    new ServeCommand(config).run();
  }

  public static void main(String[] args) {
    CommandLine commandLine = new CommandLine(new Main());
    commandLine.setExecutionExceptionHandler(Main::report);
    int code = commandLine.execute(args);
    // A serving node leaves through its shutdown hook; System.exit during JVM shutdown would hang.
    if (code != 0 || !ServeCommand.isServing()) {
      System.exit(code);
    }
  }

  /** A configuration problem is the operator's to fix: one clear line and exit code 2. */
  private static int report(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
    if (e instanceof ConfigException) {
      command.getErr().println("ironsync: configuration error: " + e.getMessage());
      return 2;
    }
    LoggerFactory.getLogger(Main.class).error("ironsync {} failed", command.getCommandName(), e);
    command.getErr().println("ironsync: " + e.getMessage());
    return 1;
  }
}
