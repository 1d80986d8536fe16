package io.ironsync.observability;

import java.time.Duration;
import java.util.function.Supplier;

/** What per-user limits and overload protection report. */
public interface RateLimitMetrics {

  /** Bucket names used as tag values. */
  String UPLOAD = "upload";

  String DOWNLOAD = "download";
  String REQUESTS = "requests";

  /** A stream or request waited for tokens of {@code bucket} this long. */
  void bucketWaited(String bucket, Duration waited);

  /** Bytes that went through while their user's byte bucket was in debt (they were slowed). */
  void bytesThrottled(String bucket, long bytes);

  /**
   * A request was refused by a limit; reason is one of request-rate, upload-queue-timeout,
   * upload-queue-full, quota.
   */
  void rejected(String reason);

  /** Shared (Redis) buckets failed and this node fell back to local buckets. */
  void redisFallback();

  /**
   * Registers gauges read at scrape time: uploads waiting for a slot, uploads streaming, buffered
   * upload bytes.
   */
  void watch(
      Supplier<Number> queuedUploads,
      Supplier<Number> activeUploads,
      Supplier<Number> bufferedBytes);

  /** Registers a gauge that is 1 while buckets are shared through Redis and 0 in fallback. */
  void watchRedis(Supplier<Number> sharedBucketsActive);

  RateLimitMetrics NONE =
      new RateLimitMetrics() {
        @Override
        public void bucketWaited(String bucket, Duration waited) {}

        @Override
        public void bytesThrottled(String bucket, long bytes) {}

        @Override
        public void rejected(String reason) {}

        @Override
        public void redisFallback() {}

        @Override
        public void watch(
            Supplier<Number> queuedUploads,
            Supplier<Number> activeUploads,
            Supplier<Number> bufferedBytes) {}

        @Override
        public void watchRedis(Supplier<Number> sharedBucketsActive) {}
      };
}
