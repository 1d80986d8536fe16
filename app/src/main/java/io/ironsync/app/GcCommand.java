package io.ironsync.app;

import io.ironsync.config.IronSyncConfig;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Runs every clean-up once against the configured database and store, and exits: expired resumable
 * uploads, retention, and the orphan sweep. The node it starts listens on no fixed port, so it can
 * run next to serving nodes (not next to a standalone node on the same data directory, whose
 * embedded database it would share).
 */
@Command(
    name = "gc",
    description =
        "Remove expired uploads, old revisions and orphaned objects once, then exit (every node"
            + " also does this periodically).")
final class GcCommand implements Callable<Integer> {

  @CommandLine.Mixin ConfigOption config;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    IronSyncConfig settings =
        config.load(
            Map.of(
                "IRONSYNC_HTTP_HOST", "127.0.0.1",
                "IRONSYNC_HTTP_PORT", "0",
                "IRONSYNC_HTTP_TLS_PORT", "0",
                "IRONSYNC_MANAGEMENT_HOST", "127.0.0.1",
                "IRONSYNC_MANAGEMENT_PORT", "0"));
    Gateway gateway = Gateway.start(settings);
    try {
      for (String line : gateway.collectGarbage()) {
        spec.commandLine().getOut().println(line);
      }
    } finally {
      gateway.stop();
    }
    return 0;
  }
}
