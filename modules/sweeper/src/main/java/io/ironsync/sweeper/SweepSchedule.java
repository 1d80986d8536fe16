package io.ironsync.sweeper;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a sweep every interval; a run still going when the next is due is not overlapped. */
final class SweepSchedule {

  private static final Logger log = LoggerFactory.getLogger(SweepSchedule.class);

  private final Vertx vertx;
  private final String name;
  private long timer = -1;
  private boolean running;

  SweepSchedule(Vertx vertx, String name) {
    this.vertx = vertx;
    this.name = name;
  }

  /** {@code report} hears each successful run's result; a failed run is logged. */
  <T> void start(Duration interval, Supplier<Future<T>> run, Consumer<T> report) {
    timer =
        vertx.setPeriodic(
            interval.toMillis(),
            id -> {
              if (running) {
                return;
              }
              running = true;
              run.get()
                  .onComplete(
                      done -> {
                        running = false;
                        if (done.failed()) {
                          log.warn("{} failed: {}", name, done.cause().toString());
                        } else {
                          report.accept(done.result());
                        }
                      });
            });
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }
}
