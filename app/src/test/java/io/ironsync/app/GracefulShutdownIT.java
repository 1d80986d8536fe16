package io.ironsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.app.ApiClient.Transport;
import io.ironsync.testkit.BlockedThreadWatch;
import io.ironsync.testkit.Eventually;
import io.ironsync.testkit.GeneratedContent;
import io.ironsync.testkit.TestPostgres;
import io.ironsync.testkit.TestS3;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(BlockedThreadWatch.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GracefulShutdownIT {

  private static final int MIB = 1 << 20;

  @TempDir Path dataDir;

  /** Opens an upload of {@code total} bytes and sends the first {@code first} of them. */
  private static HttpClientRequest beginUpload(
      ApiClient client, String token, GeneratedContent content, long first) {
    HttpClientRequest req =
        ApiClient.await(client.open(HttpMethod.PUT, "/v1/files/inflight.bin", token, null));
    req.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(content.size()));
    for (long sent = 0; sent < first; sent += MIB) {
      req.write(Buffer.buffer(content.next(MIB)));
    }
    return req;
  }

  private static double received(TestGateway gateway) {
    return Scrape.of(gateway.managementPort()).sum("ironsync_upload_bytes_total");
  }

  @Test
  void an_upload_in_flight_finishes_during_the_grace_period_while_readiness_reports_draining() {
    TestGateway gateway =
        TestGateway.start(TestGateway.Store.S3, dataDir, Map.of("shutdown.grace-period", "30s"));
    String token = gateway.token("shutdown");
    int management = gateway.managementPort();
    try (ApiClient client = new ApiClient(Transport.H2C, gateway)) {
      GeneratedContent content = new GeneratedContent(5, 16L * MIB);
      HttpClientRequest req = beginUpload(client, token, content, 8L * MIB);
      Future<HttpClientResponse> response = req.response();
      Eventually.await(
          "half the body arrived", Duration.ofSeconds(30), () -> received(gateway) >= 8 * MIB);

      CompletableFuture<Void> stopping = CompletableFuture.runAsync(gateway::close);
      Eventually.await(
          "readiness reports draining",
          Duration.ofSeconds(30),
          () -> Scrape.status(management, "/health/ready") == 503);
      assertThat(stopping).isNotDone();

      while (content.hasMore()) {
        req.write(Buffer.buffer(content.next(MIB)));
      }
      req.end();
      assertThat(ApiClient.await(response).statusCode()).isEqualTo(201);
      stopping.join();
    }
    assertThat(
            TestPostgres.count(gateway.pgUrl, "select size from files where path = 'inflight.bin'"))
        .isEqualTo(16L * MIB);
    assertThat(Scrape.status(management, "/health/live")).as("the node is gone").isEqualTo(-1);
  }

  @Test
  void an_upload_that_outlives_the_grace_period_is_aborted_and_leaves_nothing() {
    TestGateway gateway =
        TestGateway.start(TestGateway.Store.S3, dataDir, Map.of("shutdown.grace-period", "1s"));
    String token = gateway.token("shutdown");
    try (ApiClient client = new ApiClient(Transport.H2C, gateway)) {
      GeneratedContent content = new GeneratedContent(6, 64L * MIB);
      HttpClientRequest req = beginUpload(client, token, content, 8L * MIB);
      Eventually.await(
          "part of the body arrived", Duration.ofSeconds(30), () -> received(gateway) >= 6 * MIB);

      gateway.close();
    }
    assertThat(
            TestPostgres.count(
                gateway.pgUrl, "select count(*) from files where path = 'inflight.bin'"))
        .isZero();
    assertThat(TestS3.shared().multipartUploads(gateway.bucket)).isEmpty();
    assertThat(TestS3.shared().objectKeys(gateway.bucket)).isEmpty();
  }
}
