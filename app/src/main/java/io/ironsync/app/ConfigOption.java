package io.ironsync.app;

import io.ironsync.config.ConfigLoader;
import io.ironsync.config.IronSyncConfig;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --config FILE}, else {@code IRONSYNC_CONFIG}, else defaults; then env overrides. */
final class ConfigOption {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "YAML configuration file (default: $IRONSYNC_CONFIG, else built-in defaults)")
  Path file;

  IronSyncConfig load() {
    Map<String, String> env = System.getenv();
    Path chosen = file;
    if (chosen == null && env.get(ConfigLoader.CONFIG_FILE_ENV) != null) {
      chosen = Path.of(env.get(ConfigLoader.CONFIG_FILE_ENV));
    }
    IronSyncConfig config = ConfigLoader.load(chosen, env);
    LogLevels.apply(config.logLevel());
    return config;
  }
}
