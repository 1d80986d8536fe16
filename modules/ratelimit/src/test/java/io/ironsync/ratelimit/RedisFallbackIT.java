package io.ironsync.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ironsync.observability.RateLimitMetrics;
import io.ironsync.ratelimit.impl.RedisBucketScript;
import io.ironsync.testkit.BlockedThreadWatch;
import io.ironsync.testkit.Eventually;
import io.ironsync.testkit.TcpProxy;
import io.ironsync.testkit.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * A node whose Redis goes away (stopped, or not answering) and comes back: takes keep being
 * answered from local buckets, the switch is counted and logged once each way, and the node returns
 * to shared buckets after the retry interval.
 */
@ExtendWith({VertxExtension.class, BlockedThreadWatch.class})
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RedisFallbackIT {

  private static final Duration RETRY = Duration.ofSeconds(2);
  private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(300);

  /** A generous band for "answered without waiting for Redis to come back". */
  private static final Duration PROMPTLY = Duration.ofSeconds(2);

  private static final BucketSpec SPEC = new BucketSpec(100, 1_000);

  private final RedisMetricsRecorder metrics = new RedisMetricsRecorder();
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private TestRedis server;
  private RedisTokenSource node;

  @BeforeEach
  void startRedis(Vertx vertx) {
    server = TestRedis.start();
    warmUp(vertx);
    Logger logger = (Logger) LoggerFactory.getLogger(RedisTokenSource.class);
    log.setContext(logger.getLoggerContext());
    log.start();
    logger.addAppender(log);
  }

  @AfterEach
  void stopRedis() {
    if (node != null) {
      node.close().await();
    }
    ((Logger) LoggerFactory.getLogger(RedisTokenSource.class)).detachAppender(log);
    server.close();
  }

  @Test
  void a_stopped_redis_is_replaced_by_local_buckets_until_it_is_back(Vertx vertx) {
    node =
        new RedisTokenSource(
            vertx, server.url(), new LocalTokenSource(), RETRY, REQUEST_TIMEOUT, metrics);
    assertThat(node.take("alice", SPEC, 10).await()).isEqualTo(new Grant(10, 0));
    assertThat(metrics.shared()).isEqualTo(1);

    server.close();
    long switchedAt = System.nanoTime();
    List<Future<Grant>> takes = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      takes.add(node.take("alice", SPEC, 10));
    }
    Future.all(takes).await();
    Duration took = Duration.ofNanos(System.nanoTime() - switchedAt);

    assertThat(takes).allSatisfy(take -> assertThat(take.result()).isEqualTo(new Grant(10, 0)));
    assertThat(took).isLessThan(PROMPTLY);
    assertThat(metrics.fallbacks()).isEqualTo(1);
    assertThat(metrics.shared()).isZero();
    assertThat(lines(Level.WARN)).hasSize(1);
    assertThat(lines(Level.WARN).get(0)).contains("unavailable");

    server.startAgain();
    RedisAPI redis = RedisAPI.api(Redis.createClient(vertx, server.url()));
    long beforeLocalTake = System.nanoTime();
    node.take("bob", SPEC, 1).await();
    if (beforeLocalTake - switchedAt < RETRY.toNanos()) {
      // still inside the retry interval: the node kept to its own buckets
      assertThat(bucketExists(redis, "bob")).isFalse();
    }

    Eventually.await(
        "takes go to Redis again",
        RETRY.multipliedBy(3),
        () -> node.take("carol", SPEC, 1).await() != null && metrics.shared() == 1);

    assertThat(node.take("dave", SPEC, 1).await()).isEqualTo(new Grant(1, 0));
    assertThat(bucketExists(redis, "dave")).isTrue();
    assertThat(metrics.fallbacks()).isEqualTo(1);
    assertThat(lines(Level.WARN)).hasSize(1);
    assertThat(lines(Level.INFO)).hasSize(1);
    redis.close();
  }

  @Test
  void a_redis_that_does_not_answer_in_time_is_replaced_by_local_buckets(Vertx vertx) {
    try (TcpProxy proxy = TcpProxy.to(server.port())) {
      String viaProxy = "redis://127.0.0.1:" + proxy.port();
      node =
          new RedisTokenSource(
              vertx, viaProxy, new LocalTokenSource(), RETRY, REQUEST_TIMEOUT, metrics);
      assertThat(node.take("erin", SPEC, 10).await()).isEqualTo(new Grant(10, 0));

      proxy.stall(true);
      long started = System.nanoTime();
      Grant grant = node.take("erin", SPEC, 10).await();
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      assertThat(grant).isEqualTo(new Grant(10, 0));
      assertThat(took).isGreaterThanOrEqualTo(REQUEST_TIMEOUT).isLessThan(PROMPTLY);
      assertThat(metrics.fallbacks()).isEqualTo(1);
      assertThat(metrics.shared()).isZero();
      assertThat(lines(Level.WARN)).singleElement().asString().contains("no answer within 300 ms");

      proxy.stall(false);
      Eventually.await(
          "takes go to Redis again",
          RETRY.multipliedBy(3),
          () -> node.take("erin", SPEC, 1).await() != null && metrics.shared() == 1);
      assertThat(metrics.fallbacks()).isEqualTo(1);
      assertThat(lines(Level.INFO)).hasSize(1);
    }
  }

  /**
   * Loads the Redis client's classes and the script with a patient source, so that the nodes under
   * test, whose request timeout is short, do not time out on a cold JVM's first take.
   */
  private void warmUp(Vertx vertx) {
    RedisTokenSource patient =
        new RedisTokenSource(
            vertx,
            server.url(),
            new LocalTokenSource(),
            RETRY,
            Duration.ofSeconds(10),
            RateLimitMetrics.NONE);
    patient.take("warm-up", SPEC, 1).await();
    patient.close().await();
  }

  private List<String> lines(Level level) {
    return log.list.stream()
        .filter(event -> event.getLevel() == level)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  private static boolean bucketExists(RedisAPI redis, String key) {
    return redis.exists(List.of(RedisBucketScript.KEY_PREFIX + key)).await().toInteger() == 1;
  }
}
