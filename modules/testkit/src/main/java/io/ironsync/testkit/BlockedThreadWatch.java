package io.ironsync.testkit;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Fails a test class when Vert.x's blocked-thread checker reported an event loop or worker blocked
 * while the class ran. Register with {@code @ExtendWith(BlockedThreadWatch.class)}.
 */
public final class BlockedThreadWatch implements BeforeAllCallback, AfterAllCallback {

  private static final String CHECKER_LOGGER = "io.vertx.core.impl.BlockedThreadChecker";

  private final List<String> reports = new CopyOnWriteArrayList<>();
  private final AppenderBase<ILoggingEvent> appender =
      new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
          reports.add(event.getFormattedMessage());
        }
      };

  @Override
  public void beforeAll(ExtensionContext context) {
    Logger logger = (Logger) LoggerFactory.getLogger(CHECKER_LOGGER);
    appender.setContext(logger.getLoggerContext());
    appender.start();
    logger.addAppender(appender);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Logger logger = (Logger) LoggerFactory.getLogger(CHECKER_LOGGER);
    logger.detachAppender(appender);
    appender.stop();
    if (!reports.isEmpty()) {
      throw new AssertionError("Vert.x reported blocked threads: " + reports);
    }
  }
}
