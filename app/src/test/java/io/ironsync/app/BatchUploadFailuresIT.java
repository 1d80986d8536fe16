package io.ironsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.app.ApiClient.Reply;
import io.ironsync.app.ApiClient.Transport;
import io.ironsync.testkit.BlockedThreadWatch;
import io.ironsync.testkit.Eventually;
import io.ironsync.testkit.GeneratedContent;
import io.ironsync.testkit.TcpProxy;
import io.ironsync.testkit.TestS3;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/ops/commit-batch} as multipart when things go wrong: the client leaves in the
 * middle of a part, a part is too large, S3 goes away. Nothing is committed and nothing is left in
 * the bucket, and the user's upload slot comes back.
 */
@ExtendWith(BlockedThreadWatch.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BatchUploadFailuresIT {

  private static final Duration CLEANUP = Duration.ofSeconds(30);
  private static final int MIB = 1 << 20;

  @TempDir static Path dataDir;
  private static TcpProxy s3Proxy;
  private static TestGateway gateway;
  private static String token;

  @BeforeAll
  static void start() {
    s3Proxy = TcpProxy.to(TestS3.shared().port());
    gateway =
        TestGateway.start(
            TestGateway.Store.S3,
            dataDir,
            Map.of(
                "s3.endpoint",
                "http://127.0.0.1:" + s3Proxy.port(),
                // one slot: a batch that kept its slot after failing would block the next one
                "limits.user.concurrent-uploads",
                "1"));
    token = gateway.token("batcher");
  }

  @AfterAll
  static void stop() {
    gateway.close();
    s3Proxy.close();
  }

  private static double metric(String name, String label) {
    return Scrape.of(gateway.managementPort()).sum(name, label);
  }

  /** Opens a batch and writes the first part's header and {@code sent} bytes of its content. */
  private static HttpClientRequest startBatch(ApiClient client, String path, long sent) {
    HttpClientRequest req =
        ApiClient.await(
            client.open(
                HttpMethod.POST,
                "/v1/ops/commit-batch",
                token,
                ApiClient.headers("Content-Type", BatchBody.CONTENT_TYPE)));
    req.setChunked(true);
    req.write(BatchBody.partHeader("file", path));
    GeneratedContent content = new GeneratedContent(3, sent);
    while (content.hasMore()) {
      req.write(Buffer.buffer(content.next(MIB)));
    }
    return req;
  }

  /** A whole batch of one part of generated content, streamed with backpressure. */
  private static Reply streamBatch(ApiClient client, String path, GeneratedContent content) {
    return ApiClient.await(
        client
            .open(
                HttpMethod.POST,
                "/v1/ops/commit-batch",
                token,
                ApiClient.headers("Content-Type", BatchBody.CONTENT_TYPE))
            .compose(
                req -> {
                  req.setChunked(true);
                  Future<HttpClientResponse> response = req.response();
                  req.write(BatchBody.partHeader("file", path));
                  pump(req, content);
                  return response;
                })
            .compose(
                resp ->
                    resp.body()
                        .map(
                            body ->
                                new Reply(
                                    resp.statusCode(), resp.headers(), body, resp.version()))));
  }

  private static void pump(HttpClientRequest req, GeneratedContent content) {
    while (content.hasMore() && !req.writeQueueFull()) {
      req.write(Buffer.buffer(content.next(64 * 1024)));
    }
    if (content.hasMore()) {
      req.drainHandler(v -> pump(req, content));
    } else {
      req.end(BatchBody.trailer()).onFailure(e -> {});
    }
  }

  private static void assertNothingLeft(String file, long objectsBefore) {
    assertThat(gateway.count("select count(*) from files where path = '" + file + "'")).isZero();
    Eventually.await(
        "no multipart upload and no new object in the bucket",
        CLEANUP,
        () ->
            TestS3.shared().multipartUploads(gateway.bucket).isEmpty()
                && TestS3.shared().objectKeys(gateway.bucket).size() == objectsBefore);
  }

  /** The user's one upload slot is free again: a small batch goes through. */
  private static void assertSlotFree(ApiClient client, String file) {
    Reply reply =
        client.call(
            HttpMethod.POST,
            "/v1/ops/commit-batch",
            token,
            ApiClient.headers("Content-Type", BatchBody.CONTENT_TYPE),
            new BatchBody().file(file, "after").end());
    assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
    assertThat(reply.json().getJsonArray("items").getJsonObject(0).getInteger("status"))
        .isEqualTo(201);
  }

  private void clientLeaves(Transport transport, String file) {
    long objectsBefore = TestS3.shared().objectKeys(gateway.bucket).size();
    double abortsBefore = metric("ironsync_upload_failures_total", "reason=\"client_abort\"");
    double bytesBefore = metric("ironsync_upload_bytes_total", "");
    double serverErrorsBefore = metric("vertx_http_server_requests_total", "code=\"5");
    try (ApiClient client = new ApiClient(transport, gateway)) {
      HttpClientRequest req = startBatch(client, file, 12L * MIB);
      Eventually.await(
          "the gateway stored part of the part",
          CLEANUP,
          () -> metric("ironsync_upload_bytes_total", "") - bytesBefore >= 8 * MIB);
      if (transport == Transport.HTTP1) {
        req.connection().close();
      } else {
        req.reset();
      }
      Eventually.await(
          "the gateway noticed the client left",
          CLEANUP,
          () -> metric("ironsync_upload_failures_total", "reason=\"client_abort\"") > abortsBefore);
    }
    assertNothingLeft(file, objectsBefore);
    assertThat(metric("vertx_http_server_requests_total", "code=\"5"))
        .as("a client that leaves is not a server error")
        .isEqualTo(serverErrorsBefore);
    try (ApiClient client = new ApiClient(transport, gateway)) {
      assertSlotFree(client, file + ".after");
    }
  }

  @Test
  void a_client_that_closes_its_connection_mid_part_leaves_nothing() {
    clientLeaves(Transport.HTTP1, "left/h1.bin");
  }

  @Test
  void a_client_that_resets_its_stream_mid_part_leaves_nothing() {
    clientLeaves(Transport.H2C, "left/h2.bin");
  }

  @Test
  void a_part_over_the_limit_is_refused_with_413() {
    long objectsBefore = TestS3.shared().objectKeys(gateway.bucket).size();
    try (ApiClient client = new ApiClient(Transport.H2C, gateway)) {
      Reply reply = streamBatch(client, "big/part.bin", new GeneratedContent(5, 64L * MIB + 1));

      assertThat(reply.status()).as(reply.body().toString()).isEqualTo(413);
      assertThat(reply.json().getString("type")).isEqualTo("urn:ironsync:problem:too-large");
      assertNothingLeft("big/part.bin", objectsBefore);
      assertSlotFree(client, "big/after.txt");
    }
  }

  @Test
  void s3_going_away_mid_batch_is_a_503_and_commits_nothing() {
    long objectsBefore = TestS3.shared().objectKeys(gateway.bucket).size();
    try (ApiClient client = new ApiClient(Transport.H2C, gateway)) {
      s3Proxy.goDownAfter(12L * MIB);
      Reply reply = streamBatch(client, "s3down/part.bin", new GeneratedContent(6, 40L * MIB));

      assertThat(reply.status()).as(reply.body().toString()).isEqualTo(503);
      assertThat(reply.header("Retry-After")).isNotBlank();
      assertThat(reply.json().getString("type"))
          .isEqualTo("urn:ironsync:problem:storage-unavailable");
    } finally {
      s3Proxy.refuse(false);
    }
    assertNothingLeft("s3down/part.bin", objectsBefore);
    try (ApiClient client = new ApiClient(Transport.H2C, gateway)) {
      assertSlotFree(client, "s3down/after.txt");
    }
  }
}
