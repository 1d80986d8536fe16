package io.ironsync.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.ratelimit.impl.RedisBucketScript;
import io.ironsync.testkit.BlockedThreadWatch;
import io.ironsync.testkit.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two gateway nodes (two Vert.x instances, two sources) sharing buckets through one real Redis. */
@ExtendWith(BlockedThreadWatch.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RedisTokenSourceIT {

  private static final Duration RETRY = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

  private static Vertx vertxA;
  private static Vertx vertxB;
  private static RedisMetricsRecorder metricsA;
  private static RedisMetricsRecorder metricsB;
  private static RedisTokenSource nodeA;
  private static RedisTokenSource nodeB;
  private static RedisAPI redis;

  @BeforeAll
  static void startNodes() {
    String url = TestRedis.shared().url();
    vertxA = Vertx.vertx();
    vertxB = Vertx.vertx();
    metricsA = new RedisMetricsRecorder();
    metricsB = new RedisMetricsRecorder();
    nodeA =
        new RedisTokenSource(vertxA, url, new LocalTokenSource(), RETRY, REQUEST_TIMEOUT, metricsA);
    nodeB =
        new RedisTokenSource(vertxB, url, new LocalTokenSource(), RETRY, REQUEST_TIMEOUT, metricsB);
    redis = RedisAPI.api(Redis.createClient(vertxA, url));
  }

  @AfterEach
  void bucketsStayedShared() {
    assertThat(metricsA.fallbacks()).isZero();
    assertThat(metricsB.fallbacks()).isZero();
    assertThat(metricsA.shared()).isEqualTo(1);
    assertThat(metricsB.shared()).isEqualTo(1);
  }

  @AfterAll
  static void stopNodes() {
    redis.close();
    Future.all(nodeA.close(), nodeB.close()).await();
    Future.all(vertxA.close(), vertxB.close()).await();
  }

  @Test
  void two_nodes_together_take_at_most_burst_plus_rate_times_elapsed() {
    BucketSpec spec = new BucketSpec(1_000, 200);
    String key = newKey();
    long started = System.nanoTime();
    long deadline = started + Duration.ofSeconds(2).toNanos();

    Future<Long> a = new Lessee(vertxA, nodeA, key, spec, 25).takeUntil(deadline);
    Future<Long> b = new Lessee(vertxB, nodeB, key, spec, 25).takeUntil(deadline);
    Future.all(a, b).await();
    double seconds = (System.nanoTime() - started) / 1e9;

    long total = a.result() + b.result();
    // Redis' clock, which refills the bucket, is read in another process: allow it 20 ms of drift
    double bound = spec.burst() + spec.ratePerSecond() * (seconds + 0.02);
    assertThat((double) total).isLessThanOrEqualTo(bound).isGreaterThanOrEqualTo(0.7 * bound);
    // neither node starved the other
    assertThat(a.result()).isGreaterThan(total / 5);
    assertThat(b.result()).isGreaterThan(total / 5);
  }

  @Test
  void a_bucket_drained_through_one_node_is_empty_on_the_other() {
    BucketSpec spec = new BucketSpec(1, 10);
    String key = newKey();

    Grant first = nodeA.take(key, spec, 10).await();
    Grant second = nodeB.take(key, spec, 1).await();

    assertThat(first).isEqualTo(new Grant(10, 0));
    assertThat(second.granted()).isZero();
    assertThat(second.waitNanos()).isPositive();
  }

  @Test
  void a_shortfall_says_how_long_until_the_rest_can_be_granted() {
    BucketSpec spec = new BucketSpec(100, 50);
    String key = newKey();
    assertThat(nodeA.take(key, spec, 50).await()).isEqualTo(new Grant(50, 0));

    Grant partial = nodeA.take(key, spec, 30).await();

    long rest = 30 - partial.granted();
    assertThat(rest).isPositive();
    // what is left after a grant is a fraction of a token, so the wait is just under rest / rate
    assertThat(partial.waitNanos())
        .isGreaterThan(spec.nanosFor(rest - 1))
        .isLessThanOrEqualTo(spec.nanosFor(rest));

    vertxA.timer(TimeUnit.NANOSECONDS.toMillis(partial.waitNanos()) + 1).await();
    assertThat(nodeA.take(key, spec, rest).await()).isEqualTo(new Grant(rest, 0));
  }

  @Test
  void a_shortfall_larger_than_the_burst_waits_for_one_burst_only() {
    BucketSpec spec = new BucketSpec(100, 50);
    String key = newKey();
    nodeA.take(key, spec, 50).await();

    Grant grant = nodeA.take(key, spec, 1_000).await();

    assertThat(grant.granted()).isLessThan(50);
    assertThat(grant.waitNanos())
        .isGreaterThan(spec.nanosFor(49))
        .isLessThanOrEqualTo(spec.nanosFor(50));
  }

  @Test
  void different_keys_are_independent() {
    BucketSpec spec = new BucketSpec(1, 20);
    String drained = newKey();
    String other = newKey();
    nodeA.take(drained, spec, 20).await();

    assertThat(nodeA.take(drained, spec, 5).await().granted()).isZero();
    assertThat(nodeB.take(other, spec, 20).await()).isEqualTo(new Grant(20, 0));
  }

  @Test
  void takes_still_work_after_redis_forgot_the_script() {
    BucketSpec spec = new BucketSpec(1, 10);
    String key = newKey();
    String sha = RedisBucketScript.load().sha();
    nodeA.take(key, spec, 4).await();
    assertThat(scriptCached(sha)).isTrue();

    redis.script(List.of("FLUSH")).await();
    assertThat(scriptCached(sha)).isFalse();

    assertThat(nodeA.take(key, spec, 4).await().granted()).isEqualTo(4);
    assertThat(scriptCached(sha)).isTrue();
    // the bucket kept its state: 2 left, 3 if a second went by
    assertThat(nodeB.take(key, spec, 4).await().granted()).isBetween(2L, 3L);
  }

  @Test
  void an_idle_bucket_expires_a_little_after_it_would_be_full_again() {
    BucketSpec spec = new BucketSpec(100, 500);
    String key = newKey();

    nodeA.take(key, spec, 1).await();

    Response bucket = redis.hgetall(RedisBucketScript.KEY_PREFIX + key).await();
    assertThat(bucket.getKeys()).containsExactlyInAnyOrder("tokens", "at");
    long ttlMillis = redis.pttl(RedisBucketScript.KEY_PREFIX + key).await().toLong();
    long refillMillis = TimeUnit.NANOSECONDS.toMillis(spec.nanosFor(spec.burst()));
    assertThat(ttlMillis).isGreaterThan(refillMillis).isLessThanOrEqualTo(refillMillis + 1_000);
  }

  private static boolean scriptCached(String sha) {
    return redis.script(List.of("EXISTS", sha)).await().get(0).toInteger() == 1;
  }

  private static String newKey() {
    return "test:" + UUID.randomUUID();
  }

  /**
   * A client of one node that takes batches until a deadline and, when a batch falls short, waits
   * as long as the grant says before asking again: the way streams use their leases.
   */
  private static final class Lessee {
    private final Vertx vertx;
    private final TokenSource node;
    private final String key;
    private final BucketSpec spec;
    private final long batch;
    private final Promise<Long> done = Promise.promise();
    private long granted;

    Lessee(Vertx vertx, TokenSource node, String key, BucketSpec spec, long batch) {
      this.vertx = vertx;
      this.node = node;
      this.key = key;
      this.spec = spec;
      this.batch = batch;
    }

    Future<Long> takeUntil(long deadline) {
      vertx.runOnContext(v -> next(deadline));
      return done.future();
    }

    private void next(long deadline) {
      if (System.nanoTime() - deadline >= 0) {
        done.complete(granted);
        return;
      }
      node.take(key, spec, batch)
          .onFailure(done::fail)
          .onSuccess(
              grant -> {
                granted += grant.granted();
                if (grant.granted() == batch) {
                  next(deadline);
                } else {
                  long waitMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(grant.waitNanos()));
                  vertx.setTimer(waitMillis, id -> next(deadline));
                }
              });
    }
  }
}
