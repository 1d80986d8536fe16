package io.ironsync.ratelimit;

/**
 * One token bucket's shape: it refills at {@code ratePerSecond} tokens per second up to {@code
 * burst} tokens, and starts full.
 */
public record BucketSpec(long ratePerSecond, long burst) {
  public BucketSpec {
    if (ratePerSecond <= 0 || burst <= 0) {
      throw new IllegalArgumentException("rate and burst must be positive");
    }
  }

  /** Nanoseconds the bucket needs to refill {@code tokens}. */
  public long nanosFor(long tokens) {
    if (tokens <= 0) {
      return 0;
    }
    double seconds = (double) tokens / ratePerSecond;
    return (long) Math.ceil(seconds * 1_000_000_000d);
  }
}
