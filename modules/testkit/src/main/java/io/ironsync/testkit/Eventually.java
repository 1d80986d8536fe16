package io.ironsync.testkit;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition that becomes true asynchronously (a clean-up after a client abort, a metric
 * after a request). It checks the condition, not the clock: it returns as soon as the condition
 * holds and fails with a description if it never does.
 */
public final class Eventually {

  private Eventually() {}

  public static void await(String what, Duration timeout, BooleanSupplier condition) {
    await(what, timeout, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
  }

  /** Returns the first non-null value the supplier yields. */
  public static <T> T await(String what, Duration timeout, Supplier<T> value) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      T result = value.get();
      if (result != null) {
        return result;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not true within " + timeout + ": " + what);
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
  }
}
