package io.ironsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.app.ApiClient.Reply;
import io.ironsync.testkit.Eventually;
import io.ironsync.testkit.GeneratedContent;
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
 * Refusals that protect the node: the request rate past its burst, an upload that waited too long
 * for a slot, full queues. Each comes with Retry-After and a problem body, and nothing else breaks.
 * Uploads here run at 256 KiB/s so that they hold their slots for a while.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AdmissionIT {

  private static final long RATE = 256 << 10;

  @TempDir static Path dataDir;
  private static TestGateway gateway;
  private static final ExecutorService clients = Executors.newCachedThreadPool();

  @BeforeAll
  static void start() {
    gateway =
        TestGateway.start(
            TestGateway.Store.S3,
            dataDir,
            Map.of(
                "limits.user.requests-per-sec", "5",
                "limits.user.requests-burst", "5",
                "limits.user.upload-bytes-per-sec", Long.toString(RATE),
                "limits.user.upload-burst-bytes", "16KiB",
                "limits.user.concurrent-uploads", "1",
                "limits.user.queued-uploads", "1",
                "limits.concurrent-uploads", "2",
                "limits.queued-uploads", "1",
                "limits.upload-queue-timeout", "1s"));
  }

  @AfterAll
  static void stop() {
    clients.shutdownNow();
    gateway.close();
  }

  private static CompletableFuture<Reply> slowUpload(ApiClient client, String token, String name) {
    return CompletableFuture.supplyAsync(
        () ->
            client.upload(
                "/v1/files/" + name,
                token,
                new GeneratedContent(name.hashCode(), 3 * RATE),
                false,
                null),
        clients);
  }

  private static double queued() {
    return Scrape.of(gateway.managementPort()).sum("ironsync_uploads_queued");
  }

  private static double active() {
    return Scrape.of(gateway.managementPort()).sum("ironsync_uploads_active");
  }

  @Test
  void requests_past_the_burst_get_429_with_retry_after_and_a_problem() {
    String token = gateway.token("rapid");
    try (ApiClient client = new ApiClient(ApiClient.Transport.H2C, gateway)) {
      for (int i = 0; i < 5; i++) {
        assertThat(client.get("/v1/meta/none.txt", token).status())
            .as("request %d", i)
            .isEqualTo(404);
      }
      Reply refused = client.get("/v1/meta/none.txt", token);

      assertThat(refused.status()).isEqualTo(429);
      assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 2L);
      assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
      assertThat(refused.json().getString("type")).endsWith("request-rate");
      // another user is not affected
      assertThat(client.get("/v1/meta/none.txt", gateway.token("calm")).status()).isEqualTo(404);
    }
    assertThat(
            Scrape.of(gateway.managementPort())
                .sum("ironsync_ratelimit_rejected_total", "reason=\"request-rate\""))
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void an_upload_waiting_longer_than_the_queue_timeout_gets_429_and_a_full_user_queue_429_at_once()
      throws Exception {
    String token = gateway.token("queued");
    try (ApiClient first = new ApiClient(ApiClient.Transport.H2C, gateway);
        ApiClient second = new ApiClient(ApiClient.Transport.H2C, gateway);
        ApiClient third = new ApiClient(ApiClient.Transport.H2C, gateway)) {
      CompletableFuture<Reply> streaming = slowUpload(first, token, "q-1.bin");
      Eventually.await("the first upload streams", Duration.ofSeconds(20), () -> active() >= 1);
      CompletableFuture<Reply> waiting =
          CompletableFuture.supplyAsync(
              () -> second.put("/v1/files/q-2.txt", token, "two"), clients);
      Eventually.await("the second upload waits", Duration.ofSeconds(20), () -> queued() >= 1);

      Reply overflow = third.put("/v1/files/q-3.txt", token, "three");
      Reply timedOut = waiting.get(30, TimeUnit.SECONDS);

      assertThat(overflow.status()).isEqualTo(429);
      assertThat(overflow.json().getString("type")).endsWith("upload-queue-full");
      assertThat(overflow.header("Retry-After")).isNotNull();
      assertThat(timedOut.status()).isEqualTo(429);
      assertThat(timedOut.json().getString("type")).endsWith("upload-queue-timeout");
      assertThat(timedOut.header("Retry-After")).isNotNull();
      assertThat(streaming.get(60, TimeUnit.SECONDS).status()).isEqualTo(201);
    }
    assertThat(gateway.count("select count(*) from files where path in ('q-2.txt', 'q-3.txt')"))
        .isZero();
  }

  @Test
  void a_full_node_queue_answers_503_with_retry_after_and_stays_live() throws Exception {
    try (ApiClient a = new ApiClient(ApiClient.Transport.H2C, gateway);
        ApiClient b = new ApiClient(ApiClient.Transport.H2C, gateway);
        ApiClient c = new ApiClient(ApiClient.Transport.H2C, gateway);
        ApiClient d = new ApiClient(ApiClient.Transport.H2C, gateway)) {
      CompletableFuture<Reply> first = slowUpload(a, gateway.token("u1"), "n-1.bin");
      CompletableFuture<Reply> second = slowUpload(b, gateway.token("u2"), "n-2.bin");
      Eventually.await("both node slots are taken", Duration.ofSeconds(20), () -> active() >= 2);
      CompletableFuture<Reply> third =
          CompletableFuture.supplyAsync(
              () -> c.put("/v1/files/n-3.txt", gateway.token("u3"), "three"), clients);
      Eventually.await("a third user waits", Duration.ofSeconds(20), () -> queued() >= 1);

      Reply refused = d.put("/v1/files/n-4.txt", gateway.token("u4"), "four");

      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.json().getString("type")).endsWith("upload-queue-full");
      assertThat(refused.header("Retry-After")).isNotNull();
      assertThat(Scrape.status(gateway.managementPort(), "/health/live")).isEqualTo(200);
      // the waiting upload's 1 s runs out long before a 3 s upload frees a slot
      assertThat(third.get(30, TimeUnit.SECONDS).status()).isEqualTo(429);
      assertThat(first.get(60, TimeUnit.SECONDS).status()).isEqualTo(201);
      assertThat(second.get(60, TimeUnit.SECONDS).status()).isEqualTo(201);
    }
  }
}
