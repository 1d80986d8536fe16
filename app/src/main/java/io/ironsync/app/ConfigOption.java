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
    return load(Map.of());
  }

  /** As {@link #load()}, with some settings forced as if set in the environment. */
  IronSyncConfig load(Map<String, String> forced) {
    Map<String, String> env = new java.util.HashMap<>(System.getenv());
    env.putAll(forced);
    Path chosen = file;
    if (chosen == null && env.get(ConfigLoader.CONFIG_FILE_ENV) != null) {
      chosen = Path.of(env.get(ConfigLoader.CONFIG_FILE_ENV));
    }
    IronSyncConfig config = ConfigLoader.load(chosen, env);
    LogLevels.apply(config.logLevel());
    return config;
  }
}
