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
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads that end badly: the client leaves mid-body, or S3 drops the connection mid-upload. In
 * every case nothing is committed and nothing is left in the bucket, and a client abort is not a
 * server error.
 */
@ExtendWith(BlockedThreadWatch.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class UploadFailuresIT {

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
            Map.of("s3.endpoint", "http://127.0.0.1:" + s3Proxy.port()));
    token = gateway.token("aborter");
  }

  @AfterAll
  static void stop() {
    gateway.close();
    s3Proxy.close();
  }

  private double failures(String reason) {
    return Scrape.of(gateway.managementPort())
        .sum("ironsync_upload_failures_total", "reason=\"" + reason + "\"");
  }

  private double uploadedBytes() {
    return Scrape.of(gateway.managementPort()).sum("ironsync_upload_bytes_total");
  }

  /** Starts a PUT, sends {@code sent} bytes of a larger body and hands back the open request. */
  private static HttpClientRequest startUpload(
      ApiClient client, String path, boolean announceLength, long sent) {
    HttpClientRequest req = ApiClient.await(client.open(HttpMethod.PUT, path, token, null));
    if (announceLength) {
      req.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(64L * MIB));
    } else {
      req.setChunked(true);
    }
    GeneratedContent content = new GeneratedContent(7, 64L * MIB);
    for (long written = 0; written < sent; written += MIB) {
      req.write(Buffer.buffer(content.next(MIB)));
    }
    return req;
  }

  private void assertNothingLeft(String file, long objectsBefore) {
    assertThat(gateway.count("select count(*) from files where path = '" + file + "'")).isZero();
    assertThat(gateway.count("select count(*) from journal where path = '" + file + "'")).isZero();
    // the blob clean-up and the S3 server's own clean-up of an interrupted PUT both finish
    // asynchronously after the client has its answer
    Eventually.await(
        "no multipart upload and no new object in the bucket",
        CLEANUP,
        () ->
            TestS3.shared().multipartUploads(gateway.bucket).isEmpty()
                && TestS3.shared().objectKeys(gateway.bucket).size() == objectsBefore);
  }

  private void abortAndCheck(Transport transport, boolean announceLength, String file) {
    long objectsBefore = TestS3.shared().objectKeys(gateway.bucket).size();
    double serverErrorsBefore = serverErrors();
    double abortsBefore = failures("client_abort");
    double bytesBefore = uploadedBytes();
    try (ApiClient client = new ApiClient(transport, gateway)) {
      HttpClientRequest req = startUpload(client, "/v1/files/" + file, announceLength, 12L * MIB);
      Eventually.await(
          "the gateway received part of the body",
          CLEANUP,
          () -> uploadedBytes() - bytesBefore >= 8 * MIB);
      if (transport == Transport.HTTP1) {
        req.connection().close();
      } else {
        req.reset();
      }
      Eventually.await(
          "the gateway noticed the abort and cleaned up",
          CLEANUP,
          () -> failures("client_abort") > abortsBefore);
    }
    assertNothingLeft(file, objectsBefore);
    assertThat(serverErrors())
        .as("a client abort is not a server error")
        .isEqualTo(serverErrorsBefore);
  }

  private double serverErrors() {
    return Scrape.of(gateway.managementPort()).sum("vertx_http_server_requests_total", "code=\"5");
  }

  @Test
  void client_closes_an_http1_chunked_upload() {
    abortAndCheck(Transport.HTTP1, false, "abort/h1-chunked.bin");
  }

  @Test
  void client_closes_an_http1_upload_with_content_length() {
    abortAndCheck(Transport.HTTP1, true, "abort/h1-length.bin");
  }

  @Test
  void client_resets_an_h2_stream() {
    abortAndCheck(Transport.H2C, false, "abort/h2-reset.bin");
  }

  @Test
  void client_resets_an_h2_stream_with_content_length() {
    abortAndCheck(Transport.H2C, true, "abort/h2-reset-length.bin");
  }

  /**
   * S3 goes away in the middle of an upload and stays away: the client gets a 503 and nothing is
   * committed; once S3 is back, the retried abort removes the unfinished upload.
   */
  private void storageFailsMidUpload(boolean announceLength, String file) {
    long objectsBefore = TestS3.shared().objectKeys(gateway.bucket).size();
    try (ApiClient client = new ApiClient(Transport.H2C, gateway)) {
      s3Proxy.goDownAfter(12L * MIB);
      Reply reply =
          client.upload(
              "/v1/files/" + file, token, new GeneratedContent(9, 40L * MIB), announceLength, null);

      assertThat(reply.status()).isEqualTo(503);
      assertThat(reply.header("Retry-After")).isNotBlank();
      assertThat(reply.json().getString("type"))
          .isEqualTo("urn:ironsync:problem:storage-unavailable");
    } finally {
      s3Proxy.refuse(false);
    }
    Eventually.await(
        "the unfinished multipart upload was aborted once S3 came back",
        CLEANUP,
        () -> TestS3.shared().multipartUploads(gateway.bucket).isEmpty());
    assertNothingLeft(file, objectsBefore);
    try (ApiClient client = new ApiClient(Transport.H2C, gateway)) {
      assertThat(client.put("/v1/files/" + file, token, "recovered").status())
          .as("the gateway recovers once S3 answers again")
          .isEqualTo(201);
    }
  }

  @Test
  void s3_goes_down_during_a_multipart_upload() {
    storageFailsMidUpload(false, "s3-failure/multipart.bin");
  }

  @Test
  void s3_goes_down_during_a_single_put() {
    storageFailsMidUpload(true, "s3-failure/single.bin");
  }

  @Test
  void a_slow_s3_slows_the_client_down_instead_of_filling_memory() {
    long size = 256L * MIB;
    try (ApiClient client = new ApiClient(Transport.H2C, gateway)) {
      s3Proxy.stall(true);
      HttpClientRequest req =
          ApiClient.await(client.open(HttpMethod.PUT, "/v1/files/slow.bin", token, null));
      req.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(size));
      AtomicLong handedOver = new AtomicLong();
      GeneratedContent content = new GeneratedContent(11, size);
      Future<io.vertx.core.http.HttpClientResponse> response = req.response();
      client.vertx().runOnContext(v -> pumpCounting(req, content, handedOver));

      long stalledAt = awaitNoProgress(handedOver::get);
      assertThat(stalledAt)
          .as("bytes the client could hand over while S3 accepted nothing")
          .isLessThan(64L * MIB);

      s3Proxy.stall(false);
      int status = ApiClient.await(response).statusCode();
      assertThat(status).isEqualTo(201);
    } finally {
      s3Proxy.stall(false);
    }
    assertThat(gateway.count("select size from files where path = 'slow.bin'")).isEqualTo(size);
  }

  private static void pumpCounting(
      HttpClientRequest req, GeneratedContent content, AtomicLong handedOver) {
    while (content.hasMore() && !req.writeQueueFull()) {
      byte[] chunk = content.next(64 * 1024);
      handedOver.addAndGet(chunk.length);
      req.write(Buffer.buffer(chunk));
    }
    if (content.hasMore()) {
      req.drainHandler(v -> pumpCounting(req, content, handedOver));
    } else {
      req.end();
    }
  }

  /**
   * Waits until a counter stops moving: it must hold still for a whole second (checked every 100
   * ms) before the deadline. Returns where it stopped.
   */
  private static long awaitNoProgress(java.util.function.LongSupplier counter) {
    long[] last = {-1};
    long[] stableSince = {System.nanoTime()};
    return Eventually.await(
        "the client stopped being able to send",
        Duration.ofSeconds(60),
        () -> {
          long now = counter.getAsLong();
          if (now != last[0]) {
            last[0] = now;
            stableSince[0] = System.nanoTime();
            return null;
          }
          return now > 0 && System.nanoTime() - stableSince[0] > Duration.ofSeconds(1).toNanos()
              ? now
              : null;
        });
  }
}
