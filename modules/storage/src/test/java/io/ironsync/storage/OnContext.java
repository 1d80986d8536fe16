package io.ironsync.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Runs store calls on one Vert.x context, as the gateway does, while the test thread waits for
 * their outcome.
 */
public final class OnContext {

  private static final int TIMEOUT_SECONDS = 45;

  private final Context context;

  public OnContext(Context context) {
    this.context = context;
  }

  /** The action's result, or an assertion error if it failed. */
  public <T> T call(Supplier<Future<T>> action) {
    AsyncResult<T> result = settle(action);
    if (result.failed()) {
      throw new AssertionError("store call failed: " + result.cause(), result.cause());
    }
    return result.result();
  }

  /** How the action failed, or an assertion error if it succeeded. */
  public Throwable failureOf(Supplier<Future<?>> action) {
    AsyncResult<?> result = settle(action::get);
    assertThat(result.succeeded()).as("the call should have failed").isFalse();
    return result.cause();
  }

  private <T> AsyncResult<T> settle(Supplier<? extends Future<T>> action) {
    Promise<AsyncResult<T>> settled = Promise.promise();
    context.runOnContext(
        v -> {
          Future<T> future;
          try {
            future = action.get();
          } catch (RuntimeException e) {
            future = Future.failedFuture(e);
          }
          future.onComplete(ar -> settled.complete(ar));
        });
    try {
      return settled.future().await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("store call did not complete in " + TIMEOUT_SECONDS + " s", e);
    }
  }
}
