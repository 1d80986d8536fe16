package io.ironsync.ratelimit;

import io.vertx.core.Future;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Token buckets in this JVM, one per key, shared by all event loops. A bucket that has refilled
 * completely is the same as no bucket, so idle buckets are dropped now and then: memory follows the
 * number of recently active users, not all users ever seen.
 */
public final class LocalTokenSource implements TokenSource {

  private static final int SWEEP_EVERY = 4096;

  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final LongSupplier nanoClock;
  private final AtomicLong takes = new AtomicLong();

  public LocalTokenSource() {
    this(System::nanoTime);
  }

  /** With a clock of its own, for tests. */
  public LocalTokenSource(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  @Override
  public Future<Grant> take(String key, BucketSpec spec, long wanted) {
    return Future.succeededFuture(takeNow(key, spec, wanted));
  }

  /** The same as {@link #take} without the future, for callers that need the answer at once. */
  public Grant takeNow(String key, BucketSpec spec, long wanted) {
    long now = nanoClock.getAsLong();
    if (takes.incrementAndGet() % SWEEP_EVERY == 0) {
      buckets.values().removeIf(bucket -> bucket.isFullAt(now));
    }
    return buckets.computeIfAbsent(key, k -> new Bucket(spec, now)).take(spec, wanted, now);
  }

  /** Buckets currently held; for tests of the sweep. */
  int size() {
    return buckets.size();
  }

  private static final class Bucket {
    private double tokens;
    private long updatedAt;
    private BucketSpec spec;

    Bucket(BucketSpec spec, long now) {
      this.spec = spec;
      this.tokens = spec.burst();
      this.updatedAt = now;
    }

    synchronized Grant take(BucketSpec current, long wanted, long now) {
      spec = current;
      refill(now);
      long granted = Math.max(0, Math.min(wanted, (long) Math.floor(tokens)));
      tokens -= granted;
      if (granted == wanted) {
        return new Grant(granted, 0);
      }
      long reachable = Math.min(wanted - granted, spec.burst());
      return new Grant(granted, spec.nanosFor((long) Math.ceil(reachable - tokens)));
    }

    synchronized boolean isFullAt(long now) {
      refill(now);
      return tokens >= spec.burst();
    }

    private void refill(long now) {
      long elapsed = now - updatedAt;
      if (elapsed > 0) {
        tokens = Math.min(spec.burst(), tokens + elapsed * (spec.ratePerSecond() / 1e9));
        updatedAt = now;
      }
    }
  }
}
