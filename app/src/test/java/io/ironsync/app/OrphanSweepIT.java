package io.ironsync.app;

import static io.ironsync.app.TusRequests.tus;
import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.app.ApiClient.Reply;
import io.ironsync.app.ApiClient.Transport;
import io.ironsync.testkit.Eventually;
import io.ironsync.testkit.GeneratedContent;
import io.ironsync.testkit.TestS3;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The orphan sweep against real S3 and PostgreSQL: a stray object and an abandoned multipart upload
 * are counted while young, then removed; committed blobs and a resumable upload in progress are
 * never touched.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class OrphanSweepIT {

  private static final int MIB = 1 << 20;

  @TempDir Path dataDir;

  @Test
  void orphans_are_counted_then_removed_and_nothing_referenced_is_touched() {
    try (TestGateway node =
            TestGateway.start(
                TestGateway.Store.S3,
                dataDir,
                Map.of("retention.orphan-age", "4s", "retention.sweep-interval", "300ms"));
        ApiClient api = new ApiClient(Transport.H2C, node)) {
      String token = node.token("keeper", "laptop");
      assertThat(api.put("/v1/files/kept.txt", token, "committed content").status()).isEqualTo(201);
      Reply created =
          api.call(
              HttpMethod.POST,
              "/v1/uploads",
              token,
              tus(
                  "Upload-Length",
                  Long.toString(12L * MIB),
                  "Upload-Metadata",
                  "path "
                      + Base64.getEncoder()
                          .encodeToString("in-progress.bin".getBytes(StandardCharsets.UTF_8))),
              null);
      String location = created.header("Location");
      GeneratedContent content = new GeneratedContent(8, 12L * MIB);
      byte[] first = content.next(6 * MIB);
      assertThat(
              api.call(
                      HttpMethod.PATCH,
                      location,
                      token,
                      tus("Upload-Offset", "0", "Content-Type", "application/offset+octet-stream"),
                      Buffer.buffer(first))
                  .status())
          .isEqualTo(204);

      TestS3 s3 = TestS3.shared();
      String strayObject = "blobs/stray-" + UUID.randomUUID();
      String strayUpload = "blobs/stray-upload-" + UUID.randomUUID();
      s3.putObject(node.bucket, strayObject, new byte[4096]);
      s3.startMultipartUpload(node.bucket, strayUpload);

      Eventually.await(
          "young orphans are counted, not removed",
          Duration.ofSeconds(10),
          () -> Scrape.of(node.managementPort()).sum("ironsync_orphaned_bytes") >= 4096);
      assertThat(s3.objectKeys(node.bucket)).contains(strayObject);

      Eventually.await(
          "old orphans are removed and the gauge returns to zero",
          Duration.ofSeconds(30),
          () ->
              !s3.objectKeys(node.bucket).contains(strayObject)
                  && !s3.multipartUploads(node.bucket).contains(strayUpload)
                  && Scrape.of(node.managementPort()).sum("ironsync_orphaned_bytes") == 0);
      assertThat(Scrape.of(node.managementPort()).sum("ironsync_orphans_swept_total"))
          .isGreaterThanOrEqualTo(2);

      assertThat(api.get("/v1/files/kept.txt", token).body().toString())
          .isEqualTo("committed content");
      Reply last =
          api.call(
              HttpMethod.PATCH,
              location,
              token,
              tus(
                  "Upload-Offset",
                  Long.toString(6L * MIB),
                  "Content-Type",
                  "application/offset+octet-stream"),
              Buffer.buffer(content.next(6 * MIB)));
      assertThat(last.status())
          .as("the resumable upload's parts and tail were left alone")
          .isEqualTo(204);
      assertThat(api.get("/v1/files/in-progress.bin", token).status()).isEqualTo(200);
    }
  }
}
