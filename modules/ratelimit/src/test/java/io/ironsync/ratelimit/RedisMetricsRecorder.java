package io.ironsync.ratelimit;

import io.ironsync.observability.RateLimitMetrics;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** Counts Redis fallbacks and reads the shared-buckets gauge; ignores the other meters. */
final class RedisMetricsRecorder implements RateLimitMetrics {

  private final AtomicInteger fallbacks = new AtomicInteger();
  private volatile Supplier<Number> sharedGauge;

  int fallbacks() {
    return fallbacks.get();
  }

  /** The gauge as a scrape would read it now. */
  int shared() {
    if (sharedGauge == null) {
      throw new AssertionError("watchRedis was never called");
    }
    return sharedGauge.get().intValue();
  }

  @Override
  public void redisFallback() {
    fallbacks.incrementAndGet();
  }

  @Override
  public void watchRedis(Supplier<Number> sharedBucketsActive) {
    sharedGauge = sharedBucketsActive;
  }

  @Override
  public void bucketWaited(String bucket, Duration waited) {}

  @Override
  public void bytesThrottled(String bucket, long bytes) {}

  @Override
  public void rejected(String reason) {}

  @Override
  public void watch(
      Supplier<Number> queuedUploads,
      Supplier<Number> activeUploads,
      Supplier<Number> bufferedBytes) {}
}
