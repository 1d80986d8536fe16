package io.ironsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.testkit.GeneratedContent;
import io.ironsync.testkit.TestS3;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage quota: 507 with a problem body, before the body when its length is announced and
 * while streaming when it is not; nothing committed and nothing left in S3 either way.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StorageQuotaIT {

  private static final int KiB = 1024;

  @TempDir static Path dataDir;
  private static TestGateway gateway;
  private static ApiClient client;
  private static JdkHttp2Client http2;

  @BeforeAll
  static void start() {
    gateway =
        TestGateway.start(TestGateway.Store.S3, dataDir, Map.of("limits.user.quota-bytes", "1MiB"));
    client = new ApiClient(ApiClient.Transport.HTTP1, gateway);
    http2 = new JdkHttp2Client(gateway);
  }

  @AfterAll
  static void stop() {
    client.close();
    gateway.close();
  }

  /** The refusals come while the body is still being sent: an HTTP/2 client that handles that. */
  private static HttpResponse<String> upload(
      String token, String path, long size, boolean announce) {
    return http2.put("/v1/files/" + path, token, new GeneratedContent(size, size), announce);
  }

  @Test
  void uploads_past_the_quota_get_507_whether_announced_or_streamed_and_nothing_is_kept() {
    String token = gateway.token("filler");
    assertThat(upload(token, "a.bin", 600 * KiB, true).statusCode()).isEqualTo(201);
    List<String> objectsBefore = TestS3.shared().objectKeys(gateway.bucket);

    HttpResponse<String> announced = upload(token, "b.bin", 600 * KiB, true);
    HttpResponse<String> streamed = upload(token, "c.bin", 600 * KiB, false);

    assertThat(announced.statusCode()).isEqualTo(507);
    assertThat(announced.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    assertThat(new JsonObject(announced.body()).getString("type")).endsWith("quota-exceeded");
    assertThat(streamed.statusCode()).isEqualTo(507);
    assertThat(gateway.count("select count(*) from files where path in ('b.bin', 'c.bin')"))
        .isZero();
    assertThat(TestS3.shared().multipartUploads(gateway.bucket)).isEmpty();
    assertThat(TestS3.shared().objectKeys(gateway.bucket))
        .containsExactlyInAnyOrderElementsOf(objectsBefore);
    assertThat(
            Scrape.of(gateway.managementPort())
                .sum("ironsync_upload_failures_total", "reason=\"quota\""))
        .isGreaterThanOrEqualTo(2);
  }

  @Test
  void replacing_a_file_counts_only_the_difference_and_deleting_frees_space() {
    String token = gateway.token("replacer");
    assertThat(upload(token, "doc.bin", 700 * KiB, true).statusCode()).isEqualTo(201);

    // 700 KiB replaced by 900 KiB: 900 KiB used, within 1 MiB
    assertThat(upload(token, "doc.bin", 900 * KiB, true).statusCode()).isEqualTo(200);
    assertThat(upload(token, "more.bin", 200 * KiB, true).statusCode()).isEqualTo(507);

    assertThat(client.call(HttpMethod.DELETE, "/v1/files/doc.bin", token).status()).isEqualTo(204);
    assertThat(upload(token, "more.bin", 200 * KiB, false).statusCode()).isEqualTo(201);
  }

  @Test
  void one_users_quota_does_not_limit_another_user() {
    assertThat(upload(gateway.token("full"), "x.bin", 1000 * KiB, true).statusCode())
        .isEqualTo(201);
    assertThat(upload(gateway.token("full"), "y.bin", 100 * KiB, true).statusCode()).isEqualTo(507);
    assertThat(upload(gateway.token("empty"), "x.bin", 1000 * KiB, true).statusCode())
        .isEqualTo(201);
  }

  @Test
  void resumable_uploads_count_toward_the_quota_too() {
    String token = gateway.token("resumer");
    assertThat(upload(token, "base.bin", 600 * KiB, true).statusCode()).isEqualTo(201);
    String path =
        "path "
            + java.util.Base64.getEncoder()
                .encodeToString("tus-over.bin".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    ApiClient.Reply known =
        client.call(
            HttpMethod.POST,
            "/v1/uploads",
            token,
            TusRequests.tus("Upload-Length", Integer.toString(600 * KiB), "Upload-Metadata", path),
            null);
    assertThat(known.status()).as("a known length over the quota").isEqualTo(507);

    ApiClient.Reply deferred =
        client.call(
            HttpMethod.POST,
            "/v1/uploads",
            token,
            TusRequests.tus("Upload-Defer-Length", "1", "Upload-Metadata", path),
            null);
    String location = deferred.header("Location");
    byte[] body = new GeneratedContent(4, 600 * KiB).next(600 * KiB);
    ApiClient.Reply last =
        client.call(
            HttpMethod.PATCH,
            location,
            token,
            TusRequests.tus(
                "Upload-Offset", "0",
                "Upload-Length", Integer.toString(body.length),
                "Content-Type", "application/offset+octet-stream"),
            io.vertx.core.buffer.Buffer.buffer(body));

    assertThat(last.status()).as("the commit of the last byte checks the quota").isEqualTo(507);
    assertThat(gateway.count("select count(*) from files where path = 'tus-over.bin'")).isZero();
    assertThat(client.call(HttpMethod.HEAD, location, token, TusRequests.tus(), null).status())
        .as("a refused commit ends the upload")
        .isEqualTo(404);
  }
}
