package io.ironsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.app.ApiClient.Transport;
import io.ironsync.testkit.Eventually;
import io.ironsync.testkit.TestS3;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With retention at zero, the sweeper removes superseded revisions and deleted files with their
 * bytes in S3, keeps every head, and prunes the journal so old cursors must list again.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RetentionIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir static Path dataDir;
  private static TestGateway node;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    node =
        TestGateway.start(
            TestGateway.Store.S3,
            dataDir,
            Map.of(
                "retention.versions", "0s",
                "retention.journal", "0s",
                "retention.sweep-interval", "200ms"));
    api = new ApiClient(Transport.HTTP1, node);
  }

  @AfterAll
  static void stop() {
    api.close();
    node.close();
  }

  @Test
  void old_revisions_and_deleted_files_go_with_their_bytes_and_heads_stay() {
    String user = "user-" + UUID.randomUUID();
    String token = node.token(user, "laptop");
    String cursor = api.get("/v1/changes", token).json().getString("cursor");
    api.put("/v1/files/doc.txt", token, "first");
    api.put("/v1/files/doc.txt", token, "second");
    api.put("/v1/files/gone.txt", token, "deleted soon");
    assertThat(api.call(HttpMethod.DELETE, "/v1/files/gone.txt", token).status()).isEqualTo(204);
    String headKey =
        (String)
            single(
                node,
                "select storage_key from files f join blobs b on b.id = f.blob_id"
                    + " where f.user_id = '"
                    + user
                    + "' and f.path = 'doc.txt'");

    Eventually.await(
        "superseded revisions are swept",
        WAIT,
        () -> node.count("select count(*) from blobs where user_id = '" + user + "'") == 1);

    assertThat(api.get("/v1/files/doc.txt", token).body().toString()).isEqualTo("second");
    assertThat(api.get("/v1/files/doc.txt?rev=1", token).status()).isEqualTo(404);
    assertThat(api.get("/v1/versions/doc.txt", token).json().getJsonArray("versions")).hasSize(1);
    Eventually.await(
        "only the head's bytes are left in S3",
        WAIT,
        () -> TestS3.shared().objectKeys(node.bucket).equals(java.util.List.of(headKey)));
    Eventually.await(
        "the journal is pruned and the old cursor must list again",
        WAIT,
        () -> api.get("/v1/changes?cursor=" + cursor, token).status() == 410);
    assertThat(api.get("/v1/changes", token).json().getJsonArray("changes")).hasSize(1);

    Scrape metrics = Scrape.of(node.managementPort());
    assertThat(metrics.sum("ironsync_retention_removed_total", "what=\"versions\""))
        .as("revisions removed: the old doc.txt and gone.txt")
        .isGreaterThanOrEqualTo(2);
    assertThat(metrics.sum("ironsync_retention_removed_total", "what=\"objects\""))
        .isGreaterThanOrEqualTo(2);
    assertThat(metrics.sum("ironsync_retention_removed_total", "what=\"journal_rows\""))
        .isPositive();
    assertThat(metrics.sum("ironsync_retention_runs_total", "outcome=\"ok\"")).isPositive();
    assertThat(metrics.sum("ironsync_retention_last_success_timestamp_seconds"))
        .isGreaterThan(java.time.Instant.now().minusSeconds(60).getEpochSecond());
  }

  /** Reads one value with SQL. */
  private static Object single(TestGateway node, String sql) {
    return io.ironsync.testkit.TestPostgres.query(node.pgUrl, sql)
        .get(0)
        .values()
        .iterator()
        .next();
  }
}
