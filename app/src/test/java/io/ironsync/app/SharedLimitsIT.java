package io.ironsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.app.ApiClient.Reply;
import io.ironsync.testkit.Eventually;
import io.ironsync.testkit.GeneratedContent;
import io.ironsync.testkit.TestRedis;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateway nodes sharing PostgreSQL, S3 and a real Redis: one user's upload rate holds across
 * both nodes, and when Redis goes away uploads go on with each node's local buckets.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SharedLimitsIT {

  private static final long RATE = 1 << 20;

  @TempDir static Path firstDir;
  @TempDir static Path secondDir;
  private static TestRedis redis;
  private static TestGateway first;
  private static TestGateway second;
  private static final ExecutorService clients = Executors.newCachedThreadPool();

  @BeforeAll
  static void start() {
    redis = TestRedis.start();
    Map<String, String> shared =
        Map.of(
            "redis.url", redis.url(),
            "redis.retry-interval", "1s",
            "redis.timeout", "1s",
            "limits.user.upload-bytes-per-sec", Long.toString(RATE),
            "limits.user.upload-burst-bytes", "64KiB");
    first = TestGateway.start(TestGateway.Store.S3, firstDir, shared);
    second = TestGateway.joining(first, secondDir, shared);
  }

  @AfterAll
  static void stop() {
    clients.shutdownNow();
    second.close();
    first.close();
    redis.close();
  }

  private static CompletableFuture<Reply> upload(
      TestGateway node, String token, String name, long size) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (ApiClient client = new ApiClient(ApiClient.Transport.H2C, node)) {
            return client.upload(
                "/v1/files/" + name,
                token,
                new GeneratedContent(name.hashCode(), size),
                false,
                null);
          }
        },
        clients);
  }

  private static double shared(TestGateway node) {
    return Scrape.of(node.managementPort()).sum("ironsync_ratelimit_redis_shared");
  }

  @Test
  void one_user_uploading_to_both_nodes_at_once_gets_one_budget() throws Exception {
    String token = first.token("roaming");
    long started = System.nanoTime();

    CompletableFuture<Reply> viaFirst = upload(first, token, "via-first.bin", 5 * RATE);
    CompletableFuture<Reply> viaSecond = upload(second, token, "via-second.bin", 5 * RATE);
    assertThat(viaFirst.get(60, TimeUnit.SECONDS).status()).isEqualTo(201);
    assertThat(viaSecond.get(60, TimeUnit.SECONDS).status()).isEqualTo(201);
    double seconds = (System.nanoTime() - started) / 1e9;

    // 10 R at one shared rate R: about 10 s; two separate budgets would take about 5 s
    assertThat(seconds).as("both uploads together").isBetween(7.5, 15.0);
    assertThat(shared(first)).isEqualTo(1);
    assertThat(shared(second)).isEqualTo(1);
  }

  @Test
  void when_redis_dies_uploads_go_on_with_local_buckets_and_shared_ones_return_with_it() {
    String token = first.token("unshaken");
    redis.close();
    try {
      Reply reply;
      try (ApiClient client = new ApiClient(ApiClient.Transport.H2C, first)) {
        reply =
            client.upload(
                "/v1/files/during-outage.bin",
                token,
                new GeneratedContent(5, RATE / 2),
                false,
                null);
      }

      assertThat(reply.status()).isEqualTo(201);
      Scrape metrics = Scrape.of(first.managementPort());
      assertThat(metrics.sum("ironsync_ratelimit_redis_fallbacks_total")).isGreaterThanOrEqualTo(1);
      assertThat(metrics.sum("ironsync_ratelimit_redis_shared")).isZero();
    } finally {
      redis.startAgain();
    }
    for (TestGateway node : new TestGateway[] {first, second}) {
      try (ApiClient client = new ApiClient(ApiClient.Transport.H2C, node)) {
        Eventually.await(
            "the node uses Redis again",
            Duration.ofSeconds(30),
            () -> client.get("/v1/meta/probe.txt", token).status() == 404 && shared(node) == 1);
      }
    }
  }
}
