package io.ironsync.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.ironsync.config.LogLevel;
import org.slf4j.LoggerFactory;

final class LogLevels {

  private LogLevels() {}

  static void apply(LogLevel level) {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(Level.toLevel(level.name()));
  }
}
