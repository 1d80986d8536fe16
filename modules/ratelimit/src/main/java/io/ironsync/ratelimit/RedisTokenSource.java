package io.ironsync.ratelimit;

import io.ironsync.observability.RateLimitMetrics;
import io.ironsync.ratelimit.impl.RedisBucketScript;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Token buckets shared by all gateway nodes through one Redis. Each take runs one Lua script that
 * refills the bucket by the time elapsed on Redis' clock and takes what it can, atomically; the
 * bucket lives in a hash {@code ironsync:bucket:<key>} that expires once it would be full again.
 *
 * <p><b>How far users can get past their limit.</b> Tokens are deducted in Redis when a node leases
 * them, before they are used, and every node refills from the same state with the same clock. So
 * while Redis answers, all nodes together never take more than {@code burst + rate·t} tokens from a
 * bucket in any interval of length {@code t}, however many nodes there are (a lease that a node
 * does not use up is lost, never handed out twice). Redis losing its data (a restart without
 * persistence) starts the buckets full again: at most one extra burst per loss.
 *
 * <p><b>Fail-open.</b> When Redis is down, refuses, answers an error or does not answer within the
 * request timeout, the take is answered from the node's own {@link LocalTokenSource} instead, and
 * the node keeps using local buckets for the retry interval before it tries Redis again. In that
 * fallback every node enforces the full per-user rate on its own, so N nodes can let a user through
 * at up to N times the rate (N·(burst + rate·t)) until Redis is back; tokens taken locally are not
 * charged to the shared bucket afterwards. Uploads and downloads keep working while Redis is gone,
 * which is the point: Redis protects fairness, not correctness.
 *
 * <p>One WARN line and one {@link RateLimitMetrics#redisFallback()} per switch to local buckets,
 * one INFO line when shared buckets work again; the {@link RateLimitMetrics#watchRedis} gauge is 1
 * while shared and 0 in fallback. After the retry interval one take at a time probes Redis (the
 * others keep answering locally), so a Redis that is still down costs one slow take per interval,
 * not one per user.
 *
 * <p>Requires Redis 5 or newer (the script reads {@code TIME} before writing).
 */
public final class RedisTokenSource implements TokenSource {

  private static final Logger LOG = LoggerFactory.getLogger(RedisTokenSource.class);

  /** Each pooled connection carries one take (one round trip) at a time. */
  private static final int MAX_CONNECTIONS = 8;

  /**
   * Takes waiting for a connection. A full queue fails the take (and falls back) at once; the
   * default of 24 would do that under an ordinary burst of takes from many streams.
   */
  private static final int MAX_WAITING = 1024;

  private final Redis redis;
  private final RedisBucketScript script = RedisBucketScript.load();
  private final LocalTokenSource fallback;
  private final long retryNanos;
  private final long timeoutMillis;
  private final RateLimitMetrics metrics;
  private final AtomicBoolean shared = new AtomicBoolean(true);
  private final AtomicBoolean probing = new AtomicBoolean();
  private volatile long retryAt;

  /**
   * @param redisUrl a Redis connection string, {@code redis://[:password@]host:port[/db]}
   * @param fallback the buckets used while Redis cannot answer
   * @param retryInterval how long to stay on local buckets before trying Redis again
   * @param requestTimeout the longest a take waits for Redis before it answers locally
   */
  public RedisTokenSource(
      Vertx vertx,
      String redisUrl,
      LocalTokenSource fallback,
      Duration retryInterval,
      Duration requestTimeout,
      RateLimitMetrics metrics) {
    if (retryInterval.isNegative() || retryInterval.isZero()) {
      throw new IllegalArgumentException("retryInterval must be positive");
    }
    if (requestTimeout.toMillis() <= 0) {
      throw new IllegalArgumentException("requestTimeout must be at least 1 ms");
    }
    this.redis =
        Redis.createClient(
            vertx,
            new RedisOptions()
                .setConnectionString(redisUrl)
                .setMaxPoolSize(MAX_CONNECTIONS)
                .setMaxPoolWaiting(MAX_WAITING));
    this.fallback = fallback;
    this.retryNanos = retryInterval.toNanos();
    this.timeoutMillis = requestTimeout.toMillis();
    this.metrics = metrics;
    metrics.watchRedis(() -> shared.get() ? 1 : 0);
  }

  @Override
  public Future<Grant> take(String key, BucketSpec spec, long wanted) {
    if (wanted <= 0) {
      return Future.succeededFuture(new Grant(0, 0));
    }
    boolean probe = !shared.get();
    if (probe && !claimProbe()) {
      return fallback.take(key, spec, wanted);
    }
    return fromRedis(key, spec, wanted)
        .transform(
            answer -> {
              if (probe) {
                probing.set(false);
              }
              if (answer.succeeded()) {
                if (probe) {
                  backToShared();
                }
                return Future.succeededFuture(answer.result());
              }
              fellBack(answer.cause());
              return fallback.take(key, spec, wanted);
            });
  }

  /** Closes the connections to Redis. */
  @Override
  public Future<Void> close() {
    return redis.close();
  }

  private Future<Grant> fromRedis(String key, BucketSpec spec, long wanted) {
    return redis
        .send(script.evalsha(key, spec, wanted))
        .recover(
            failure ->
                RedisBucketScript.isNoScript(failure)
                    ? redis.send(script.eval(key, spec, wanted))
                    : Future.failedFuture(failure))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .map(RedisBucketScript::grantOf);
  }

  /** After the retry interval, the first take to get here asks Redis; the others stay local. */
  private boolean claimProbe() {
    return System.nanoTime() - retryAt >= 0 && probing.compareAndSet(false, true);
  }

  private void fellBack(Throwable cause) {
    // set before the switch, so that no take sees fallback with a stale retry time
    retryAt = System.nanoTime() + retryNanos;
    if (shared.compareAndSet(true, false)) {
      metrics.redisFallback();
      LOG.warn(
          "Shared rate-limit buckets unavailable ({}); limiting users with this node's own"
              + " buckets, trying Redis again every {} ms",
          describe(cause),
          TimeUnit.NANOSECONDS.toMillis(retryNanos));
    } else {
      LOG.debug("Redis still unavailable: {}", describe(cause));
    }
  }

  private void backToShared() {
    if (shared.compareAndSet(false, true)) {
      LOG.info("Shared rate-limit buckets in Redis work again");
    }
  }

  private String describe(Throwable cause) {
    if (cause instanceof TimeoutException) {
      return "no answer within " + timeoutMillis + " ms";
    }
    String kind = cause.getClass().getSimpleName();
    return cause.getMessage() == null ? kind : kind + ": " + cause.getMessage();
  }
}
