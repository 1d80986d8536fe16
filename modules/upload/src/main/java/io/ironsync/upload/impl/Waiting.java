package io.ironsync.upload.impl;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/** Bounded waits for work that goes on regardless, such as a clean-up after a failed upload. */
public final class Waiting {

  private Waiting() {}

  /**
   * Completes when {@code work} completes, whatever its outcome, or after {@code millis}, whichever
   * comes first; the work itself is not cancelled.
   */
  public static Future<Void> atMost(Vertx vertx, Future<?> work, long millis) {
    Promise<Void> waited = Promise.promise();
    long timer = vertx.setTimer(millis, t -> waited.tryComplete());
    work.onComplete(
        done -> {
          vertx.cancelTimer(timer);
          waited.tryComplete();
        });
    return waited.future();
  }
}
