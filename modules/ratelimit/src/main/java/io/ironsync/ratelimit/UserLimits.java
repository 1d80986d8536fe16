package io.ironsync.ratelimit;

import io.ironsync.domain.ApiException;
import io.ironsync.observability.RateLimitMetrics;
import io.ironsync.ratelimit.impl.Meter;
import io.ironsync.ratelimit.impl.ThrottledReadStream;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-user buckets of one node: upload bytes, download bytes and requests. Byte streams are
 * slowed down (paused) while their user is over the rate, never failed; requests past the burst are
 * refused with 429 and Retry-After.
 *
 * <p>Tokens come from a {@link TokenSource} (local, or shared by all nodes through Redis) in leases
 * of {@code lease} worth of the user's rate, so a shared source costs one round trip per lease and
 * not per chunk.
 */
public final class UserLimits {

  /** A meter unused this long is dropped (with the few tokens it held). */
  private static final Duration IDLE = Duration.ofSeconds(60);

  private final Vertx vertx;
  private final TokenSource source;
  private final RateLimitMetrics metrics;
  private final Kind upload;
  private final Kind download;
  private final Kind requests;
  private final long sweepTimer;

  /** One kind of bucket: its shape, its lease and the meters of the users seen lately. */
  private record Kind(String name, BucketSpec spec, long lease, Map<String, Meter> meters) {
    Kind(String name, BucketSpec spec, Duration lease) {
      this(
          name,
          spec,
          Math.max(1, (long) (spec.ratePerSecond() * (lease.toNanos() / 1e9))),
          new ConcurrentHashMap<>());
    }
  }

  public record Settings(
      BucketSpec upload, BucketSpec download, BucketSpec requests, Duration lease) {}

  public UserLimits(Vertx vertx, TokenSource source, Settings settings, RateLimitMetrics metrics) {
    this.vertx = vertx;
    this.source = source;
    this.metrics = metrics;
    this.upload = new Kind(RateLimitMetrics.UPLOAD, settings.upload(), settings.lease());
    this.download = new Kind(RateLimitMetrics.DOWNLOAD, settings.download(), settings.lease());
    this.requests = new Kind(RateLimitMetrics.REQUESTS, settings.requests(), settings.lease());
    this.sweepTimer = vertx.setPeriodic(IDLE.toMillis(), t -> sweep());
  }

  /**
   * The request body of an upload, slowed to the user's upload rate. Call on the request's context.
   */
  public ReadStream<Buffer> throttleUpload(String userId, ReadStream<Buffer> body) {
    return throttle(upload, userId, body);
  }

  /** Content on its way to a client, slowed to the user's download rate. */
  public ReadStream<Buffer> throttleDownload(String userId, ReadStream<Buffer> content) {
    return throttle(download, userId, content);
  }

  private ReadStream<Buffer> throttle(Kind kind, String userId, ReadStream<Buffer> stream) {
    Context context = vertx.getOrCreateContext();
    return new ThrottledReadStream(stream, meter(kind, userId), context, kind.name(), metrics);
  }

  /**
   * Counts one request of the user; fails with 429 (Retry-After in whole seconds, at least 1) when
   * the user is past their burst.
   */
  public Future<Void> admitRequest(String userId) {
    return meter(requests, userId)
        .takeOne()
        .compose(
            waitNanos -> {
              if (waitNanos == 0) {
                return Future.succeededFuture();
              }
              metrics.rejected("request-rate");
              long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
              return Future.failedFuture(
                  ApiException.tooManyRequests(
                      "request-rate",
                      "more than "
                          + requests.spec().ratePerSecond()
                          + " requests per second (burst "
                          + requests.spec().burst()
                          + "); retry after "
                          + seconds
                          + " s",
                      seconds));
            });
  }

  private Meter meter(Kind kind, String userId) {
    return kind.meters()
        .computeIfAbsent(
            userId,
            id -> new Meter(vertx, source, kind.name() + ":" + id, kind.spec(), kind.lease()));
  }

  private void sweep() {
    long now = System.nanoTime();
    for (Kind kind : new Kind[] {upload, download, requests}) {
      kind.meters().values().removeIf(meter -> meter.isIdle(now, IDLE.toNanos()));
    }
  }

  /** Stops the sweeper and releases the token source. */
  public Future<Void> close() {
    vertx.cancelTimer(sweepTimer);
    return source.close();
  }
}
