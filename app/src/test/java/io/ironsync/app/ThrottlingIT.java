package io.ironsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.app.ApiClient.Download;
import io.ironsync.app.ApiClient.Reply;
import io.ironsync.testkit.Eventually;
import io.ironsync.testkit.GeneratedContent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * Per-user byte rates: a user over their rate is slowed down, not failed, and does not slow anyone
 * else down. Durations are asserted in generous bands only: what matters is that the limit holds (a
 * body of 10 R takes about 10 s, not 1 s) without errors.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ThrottlingIT {

  private static final long RATE = 1 << 20;

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
                "limits.user.upload-bytes-per-sec", Long.toString(RATE),
                "limits.user.upload-burst-bytes", "64KiB",
                "limits.user.download-bytes-per-sec", Long.toString(RATE),
                "limits.user.download-burst-bytes", "64KiB",
                "limits.user.concurrent-uploads", "2"));
  }

  @AfterAll
  static void stop() {
    clients.shutdownNow();
    gateway.close();
  }

  @Test
  void a_body_of_ten_times_the_rate_takes_about_ten_seconds_on_the_server_and_succeeds() {
    String token = gateway.token("steady");
    Scrape before = Scrape.of(gateway.managementPort());
    try (ApiClient client = new ApiClient(ApiClient.Transport.H2C, gateway)) {
      Reply reply =
          client.upload(
              "/v1/files/ten.bin", token, new GeneratedContent(1, 10 * RATE), false, null);

      assertThat(reply.status()).isEqualTo(201);
      assertThat(reply.json().getLong("size")).isEqualTo(10 * RATE);
    }
    Scrape after = Scrape.of(gateway.managementPort());
    double uploads =
        after.sum("ironsync_upload_duration_seconds_count")
            - before.sum("ironsync_upload_duration_seconds_count");
    double seconds =
        after.sum("ironsync_upload_duration_seconds_sum")
            - before.sum("ironsync_upload_duration_seconds_sum");
    assertThat(uploads).isEqualTo(1);
    assertThat(seconds).as("server-side upload duration").isBetween(7.5, 12.5);
    assertThat(after.sum("ironsync_ratelimit_throttled_bytes_total", "bucket=\"upload\""))
        .isGreaterThan(8.0 * RATE);
    assertThat(after.sum("ironsync_upload_failures_total")).isZero();
    assertThat(after.series("vertx_http_server_response_time_seconds_bucket"))
        .as("per-route latency histogram")
        .anySatisfy(line -> assertThat(line).contains("route=\"/v1/files/*\""));
  }

  @Test
  void a_multipart_batch_is_held_to_the_users_upload_rate_too() {
    String token = gateway.token("batcher");
    String part = "x".repeat((int) RATE);
    Scrape before = Scrape.of(gateway.managementPort());
    try (ApiClient client = new ApiClient(ApiClient.Transport.H2C, gateway)) {
      Reply reply =
          client.call(
              io.vertx.core.http.HttpMethod.POST,
              "/v1/ops/commit-batch",
              token,
              ApiClient.headers("Content-Type", BatchBody.CONTENT_TYPE),
              new BatchBody().file("a.txt", part).file("b.txt", part).file("c.txt", part).end());

      assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
      assertThat(reply.json().getInteger("committed")).isEqualTo(3);
    }
    Scrape after = Scrape.of(gateway.managementPort());
    assertThat(
            after.sum("ironsync_ratelimit_throttled_bytes_total", "bucket=\"upload\"")
                - before.sum("ironsync_ratelimit_throttled_bytes_total", "bucket=\"upload\""))
        .as("bytes of the batch that waited for the user's tokens")
        .isGreaterThan(2.0 * RATE);
  }

  @Test
  void resumable_upload_bodies_are_held_to_the_users_upload_rate_too() {
    String token = gateway.token("resumer");
    byte[] body = new GeneratedContent(3, 3 * RATE).next((int) (3 * RATE));
    Scrape before = Scrape.of(gateway.managementPort());
    try (ApiClient client = new ApiClient(ApiClient.Transport.H2C, gateway)) {
      Reply created =
          client.call(
              io.vertx.core.http.HttpMethod.POST,
              "/v1/uploads",
              token,
              TusRequests.tus(
                  "Upload-Length",
                  Integer.toString(body.length),
                  "Upload-Metadata",
                  "path " + java.util.Base64.getEncoder().encodeToString("tus.bin".getBytes())),
              null);
      Reply patched =
          client.call(
              io.vertx.core.http.HttpMethod.PATCH,
              created.header("Location"),
              token,
              TusRequests.tus(
                  "Upload-Offset", "0", "Content-Type", "application/offset+octet-stream"),
              io.vertx.core.buffer.Buffer.buffer(body));
      assertThat(patched.status()).isEqualTo(204);
    }
    Scrape after = Scrape.of(gateway.managementPort());
    assertThat(
            after.sum("ironsync_ratelimit_throttled_bytes_total", "bucket=\"upload\"")
                - before.sum("ironsync_ratelimit_throttled_bytes_total", "bucket=\"upload\""))
        .as("bytes of the PATCH that waited for the user's tokens")
        .isGreaterThan(1.5 * RATE);
  }

  @Test
  void downloads_are_held_to_the_users_download_rate() {
    String token = gateway.token("reader");
    try (ApiClient client = new ApiClient(ApiClient.Transport.H2C, gateway)) {
      GeneratedContent content = new GeneratedContent(2, 3 * RATE);
      assertThat(client.upload("/v1/files/three.bin", token, content, true, null).status())
          .isEqualTo(201);

      long started = System.nanoTime();
      Download download = client.download("/v1/files/three.bin", token);
      double seconds = (System.nanoTime() - started) / 1e9;

      assertThat(download.status()).isEqualTo(200);
      assertThat(download.sha256()).isEqualTo(GeneratedContent.sha256(2, 3 * RATE));
      assertThat(seconds).as("download of 3 R").isBetween(2.0, 6.0);
    }
  }

  @Test
  void a_heavy_user_saturating_their_slots_does_not_queue_a_light_users_uploads() throws Exception {
    String heavy = gateway.token("heavy");
    String light = gateway.token("light");
    try (ApiClient heavyClient = new ApiClient(ApiClient.Transport.H2C, gateway);
        ApiClient lightClient = new ApiClient(ApiClient.Transport.H2C, gateway)) {
      // three uploads of 2 s each at the heavy user's rate: two stream, one waits for a slot
      List<CompletableFuture<Reply>> heavyUploads = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        int n = i;
        heavyUploads.add(
            CompletableFuture.supplyAsync(
                () ->
                    heavyClient.upload(
                        "/v1/files/heavy-" + n + ".bin",
                        heavy,
                        new GeneratedContent(10 + n, 2 * RATE),
                        false,
                        null),
                clients));
      }
      Eventually.await(
          "one heavy upload waits for a slot",
          Duration.ofSeconds(20),
          () -> Scrape.of(gateway.managementPort()).sum("ironsync_uploads_queued") >= 1);

      List<Double> lightSeconds = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        long started = System.nanoTime();
        Reply reply = lightClient.put("/v1/files/light-" + i + ".txt", light, "small " + i);
        lightSeconds.add((System.nanoTime() - started) / 1e9);
        assertThat(reply.status()).isEqualTo(201);
      }
      boolean heavyStillRunning = heavyUploads.stream().anyMatch(f -> !f.isDone());

      for (CompletableFuture<Reply> upload : heavyUploads) {
        assertThat(upload.get(60, TimeUnit.SECONDS).status()).isEqualTo(201);
      }
      assertThat(heavyStillRunning).as("light uploads finished while heavy ones ran").isTrue();
      assertThat(lightSeconds).allSatisfy(s -> assertThat(s).isLessThan(1.0));
    }
  }
}
