package io.ironsync.app;

import static io.ironsync.app.TusRequests.patch;
import static io.ironsync.app.TusRequests.tus;
import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.app.ApiClient.Reply;
import io.ironsync.app.ApiClient.Transport;
import io.ironsync.testkit.BlockedThreadWatch;
import io.ironsync.testkit.Eventually;
import io.ironsync.testkit.GeneratedContent;
import io.ironsync.testkit.TestS3;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * tus uploads across nodes and time: a second node continues an upload after the first one is
 * stopped, one request at a time writes to an upload, an expired upload is swept with its bytes,
 * and the local store keeps the same contract.
 */
@ExtendWith(BlockedThreadWatch.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TusNodesIT {

  private static final int MIB = 1 << 20;

  @TempDir Path dataDir;
  @TempDir Path otherDataDir;

  private static String create(ApiClient api, String token, long length, String path) {
    Reply created = TusRequests.create(api, token, length, path);
    assertThat(created.status()).isEqualTo(201);
    return created.header("Location");
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void a_second_node_continues_an_upload_after_the_first_is_stopped() throws Exception {
    byte[] content = new GeneratedContent(31, 13L * MIB).next(13 * MIB);
    TestGateway first = TestGateway.start(TestGateway.Store.S3, dataDir);
    TestGateway second = TestGateway.joining(first, otherDataDir, Map.of());
    try {
      String token = first.token("failover", "laptop");
      String location;
      try (ApiClient api = new ApiClient(Transport.H2C, first)) {
        location = create(api, token, content.length, "tus/failover.bin");
        assertThat(patch(api, token, location, 0, Arrays.copyOf(content, 7 * MIB)).status())
            .isEqualTo(204);
      }
      first.close();

      try (ApiClient api = new ApiClient(Transport.H2C, second)) {
        Reply head = api.call(HttpMethod.HEAD, location, token, tus(), null);
        assertThat(head.header("Upload-Offset")).isEqualTo(Long.toString(7L * MIB));
        Reply last =
            patch(
                api,
                token,
                location,
                7L * MIB,
                Arrays.copyOfRange(content, 7 * MIB, content.length));
        assertThat(last.status()).isEqualTo(204);
        assertThat(last.header("ETag")).isNotBlank();
        Reply file = api.get("/v1/files/tus/failover.bin", token);
        assertThat(sha256(file.body().getBytes())).isEqualTo(sha256(content));
      }
      assertThat(TestS3.shared().multipartUploads(first.bucket)).isEmpty();
    } finally {
      second.close();
    }
  }

  @Test
  void while_one_request_writes_an_upload_another_gets_409_and_nothing_mixes() throws Exception {
    try (TestGateway node = TestGateway.start(TestGateway.Store.S3, dataDir);
        ApiClient api = new ApiClient(Transport.H2C, node)) {
      String token = node.token("racer", "phone");
      String location = create(api, token, 2 * MIB, "tus/race.bin");
      byte[] content = new GeneratedContent(5, 2L * MIB).next(2 * MIB);

      HttpClientRequest slow =
          ApiClient.await(
              api.open(
                  HttpMethod.PATCH,
                  location,
                  token,
                  tus(
                      "Upload-Offset",
                      "0",
                      "Content-Type",
                      "application/offset+octet-stream",
                      HttpHeaders.CONTENT_LENGTH.toString(),
                      Long.toString(content.length))));
      Future<HttpClientResponse> slowAnswer = slow.response();
      slow.write(Buffer.buffer(Arrays.copyOf(content, MIB)));
      Eventually.await(
          "the first PATCH holds the upload",
          Duration.ofSeconds(20),
          () -> node.count("select count(*) from uploads where lease_owner is not null") == 1);

      Reply second = patch(api, token, location, 0, "intruder".getBytes());
      assertThat(second.status()).isEqualTo(409);
      assertThat(second.json().getString("type")).isEqualTo("urn:ironsync:problem:upload-locked");

      slow.end(Buffer.buffer(Arrays.copyOfRange(content, MIB, content.length)));
      assertThat(ApiClient.await(slowAnswer).statusCode()).isEqualTo(204);
      Reply file = api.get("/v1/files/tus/race.bin", token);
      assertThat(sha256(file.body().getBytes())).isEqualTo(sha256(content));
    }
  }

  @Test
  void an_expired_upload_is_refused_then_swept_with_its_bytes() {
    try (TestGateway node =
            TestGateway.start(
                TestGateway.Store.S3,
                dataDir,
                Map.of("retention.unfinished-uploads", "2s", "retention.sweep-interval", "300ms"));
        ApiClient api = new ApiClient(Transport.H2C, node)) {
      String token = node.token("slowpoke", "phone");
      String location = create(api, token, 12L * MIB, "tus/never.bin");
      assertThat(
              patch(api, token, location, 0, new GeneratedContent(9, 6L * MIB).next(6 * MIB))
                  .status())
          .isEqualTo(204);
      assertThat(TestS3.shared().multipartUploads(node.bucket)).hasSize(1);

      Eventually.await(
          "the expired upload is gone",
          Duration.ofSeconds(30),
          () -> api.call(HttpMethod.HEAD, location, token, tus(), null).status() == 404);
      Eventually.await(
          "its multipart upload and tail are gone, and the sweep counted it",
          Duration.ofSeconds(30),
          () ->
              TestS3.shared().multipartUploads(node.bucket).isEmpty()
                  && TestS3.shared().objectKeys(node.bucket).isEmpty()
                  && Scrape.of(node.managementPort()).sum("ironsync_uploads_expired_total") >= 1);
    }
  }

  @Test
  void the_local_store_resumes_uploads_the_same_way() throws Exception {
    byte[] content = new GeneratedContent(41, 3L * MIB + 5).next(3 * MIB + 5);
    try (TestGateway node = TestGateway.start(TestGateway.Store.LOCAL, dataDir);
        ApiClient api = new ApiClient(Transport.HTTP1, node)) {
      String token = node.token("local", "desk");
      String location = create(api, token, content.length, "tus/local.bin");
      assertThat(patch(api, token, location, 0, Arrays.copyOf(content, MIB + 3)).status())
          .isEqualTo(204);
      assertThat(
              patch(
                      api,
                      token,
                      location,
                      MIB + 3,
                      Arrays.copyOfRange(content, MIB + 3, content.length))
                  .status())
          .isEqualTo(204);
      Reply file = api.get("/v1/files/tus/local.bin", token);
      assertThat(sha256(file.body().getBytes())).isEqualTo(sha256(content));
    }
  }

  @Test
  void an_expired_upload_not_yet_swept_is_gone_for_its_client() {
    try (TestGateway node =
            TestGateway.start(
                TestGateway.Store.S3,
                dataDir,
                Map.of("retention.unfinished-uploads", "1s", "retention.sweep-interval", "1h"));
        ApiClient api = new ApiClient(Transport.H2C, node)) {
      String token = node.token("late", "phone");
      String location = create(api, token, 10, "tus/late.txt");

      Eventually.await(
          "the upload expired",
          Duration.ofSeconds(10),
          () -> api.call(HttpMethod.HEAD, location, token, tus(), null).status() == 410);
      Reply late = patch(api, token, location, 0, "0123456789".getBytes());
      assertThat(late.status()).isEqualTo(410);
      assertThat(late.json().getString("type")).isEqualTo("urn:ironsync:problem:upload-expired");
      assertThat(api.get("/v1/files/tus/late.txt", token).status()).isEqualTo(404);
    }
  }

  @Test
  void s3_going_away_mid_patch_is_a_503_and_the_upload_resumes_from_its_saved_offset()
      throws Exception {
    byte[] content = new GeneratedContent(61, 14L * MIB).next(14 * MIB);
    try (io.ironsync.testkit.TcpProxy s3 = io.ironsync.testkit.TcpProxy.to(TestS3.shared().port());
        TestGateway node =
            TestGateway.start(
                TestGateway.Store.S3,
                dataDir,
                Map.of("s3.endpoint", "http://127.0.0.1:" + s3.port()));
        ApiClient api = new ApiClient(Transport.H2C, node)) {
      String token = node.token("unlucky", "phone");
      String location = create(api, token, content.length, "tus/s3-down.bin");
      assertThat(patch(api, token, location, 0, Arrays.copyOf(content, 6 * MIB)).status())
          .isEqualTo(204);

      s3.goDownAfter(3L * MIB);
      Reply failed =
          patch(api, token, location, 6L * MIB, Arrays.copyOfRange(content, 6 * MIB, 12 * MIB));
      s3.refuse(false);

      assertThat(failed.status()).isEqualTo(503);
      assertThat(failed.json().getString("type"))
          .isEqualTo("urn:ironsync:problem:storage-unavailable");
      Reply head = api.call(HttpMethod.HEAD, location, token, tus(), null);
      assertThat(head.header("Upload-Offset"))
          .as("nothing of the failed PATCH counts")
          .isEqualTo(Long.toString(6L * MIB));
      Reply rest =
          patch(
              api, token, location, 6L * MIB, Arrays.copyOfRange(content, 6 * MIB, content.length));
      assertThat(rest.status()).as(rest.body().toString()).isEqualTo(204);
      assertThat(sha256(api.get("/v1/files/tus/s3-down.bin", token).body().getBytes()))
          .isEqualTo(sha256(content));
    }
  }
}
