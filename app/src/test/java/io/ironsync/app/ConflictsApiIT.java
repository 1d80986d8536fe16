package io.ironsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.app.ApiClient.Reply;
import io.ironsync.app.ApiClient.Transport;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two devices update the same base revision: strict, copy mode, and identical content. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ConflictsApiIT {

  @TempDir static Path dataDir;
  private static TestGateway node;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    node = TestGateway.start(TestGateway.Store.LOCAL, dataDir);
    api = new ApiClient(Transport.HTTP1, node);
  }

  @AfterAll
  static void stop() {
    api.close();
    node.close();
  }

  private static String digest(String content) throws Exception {
    byte[] sha =
        MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
    return "sha-256=:" + Base64.getEncoder().encodeToString(sha) + ":";
  }

  @Test
  void a_stale_update_fails_in_strict_mode_and_becomes_a_named_copy_on_request() {
    String user = "user-" + UUID.randomUUID();
    String laptop = node.token(user, "laptop");
    String phone = node.token(user, "phone");
    String base = api.put("/v1/files/notes/plan.txt", laptop, "base").json().getString("etag");
    String cursor = api.get("/v1/changes", phone).json().getString("cursor");
    assertThat(
            api.put(
                    "/v1/files/notes/plan.txt",
                    laptop,
                    "laptop edit",
                    "If-Match",
                    "\"" + base + "\"")
                .status())
        .isEqualTo(200);

    Reply strict =
        api.put("/v1/files/notes/plan.txt", phone, "phone edit", "If-Match", "\"" + base + "\"");
    Reply copied =
        api.put(
            "/v1/files/notes/plan.txt?onConflict=copy",
            phone,
            "phone edit",
            "If-Match",
            "\"" + base + "\"");

    assertThat(strict.status()).isEqualTo(412);
    assertThat(strict.json().getJsonObject("current").getString("etag")).isNotEqualTo(base);
    assertThat(copied.status()).isEqualTo(201);
    String copyPath = copied.json().getString("path");
    assertThat(copyPath)
        .matches("notes/plan \\(conflict phone \\d{4}-\\d{2}-\\d{2} \\d{6} UTC\\)\\.txt");
    assertThat(copied.json().getString("conflictOf")).isEqualTo("notes/plan.txt");
    assertThat(api.get("/v1/files/notes/plan.txt", laptop).body().toString())
        .isEqualTo("laptop edit");
    JsonObject last =
        api.get("/v1/changes?cursor=" + cursor, laptop)
            .json()
            .getJsonArray("changes")
            .getJsonObject(1);
    assertThat(last.getString("path")).isEqualTo(copyPath);
    assertThat(last.getString("conflictOf")).isEqualTo("notes/plan.txt");
    assertThat(api.get("/v1/files/notes/plan.txt?onConflict=maybe", laptop).status())
        .isEqualTo(200);
    assertThat(api.put("/v1/files/notes/x.txt?onConflict=maybe", laptop, "x").status())
        .isEqualTo(400);
    Scrape metrics = Scrape.of(node.managementPort());
    assertThat(metrics.sum("ironsync_sync_conflicts_total", "kind=\"rejected\""))
        .isGreaterThanOrEqualTo(1);
    assertThat(metrics.sum("ironsync_sync_conflicts_total", "kind=\"copied\""))
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void a_stale_file_in_a_batch_is_refused_alone_and_counted_as_a_conflict() throws Exception {
    String user = "user-" + UUID.randomUUID();
    String laptop = node.token(user, "laptop");
    String base = api.put("/v1/files/batch/a.txt", laptop, "base").json().getString("etag");
    api.put("/v1/files/batch/a.txt", laptop, "edited elsewhere");
    double before =
        Scrape.of(node.managementPort()).sum("ironsync_sync_conflicts_total", "kind=\"rejected\"");

    String sha256 =
        java.util.HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest("base".getBytes(StandardCharsets.UTF_8)));
    Reply batch =
        api.call(
            io.vertx.core.http.HttpMethod.POST,
            "/v1/ops/commit-batch",
            laptop,
            ApiClient.headers("Content-Type", "application/json"),
            new JsonObject()
                .put(
                    "items",
                    new io.vertx.core.json.JsonArray()
                        .add(
                            new JsonObject()
                                .put("path", "batch/a.txt")
                                .put("sha256", sha256)
                                .put("size", 4)
                                .put("ifMatch", base))
                        .add(
                            new JsonObject()
                                .put("path", "batch/b.txt")
                                .put("sha256", sha256)
                                .put("size", 4)))
                .toBuffer());

    assertThat(batch.status()).isEqualTo(200);
    assertThat(batch.json().getJsonArray("items").getJsonObject(0).getInteger("status"))
        .isEqualTo(412);
    assertThat(batch.json().getJsonArray("items").getJsonObject(1).getInteger("status"))
        .isEqualTo(201);
    assertThat(
            Scrape.of(node.managementPort())
                    .sum("ironsync_sync_conflicts_total", "kind=\"rejected\"")
                - before)
        .isEqualTo(1);
  }

  @Test
  void identical_content_from_a_stale_device_is_no_conflict_and_no_new_revision() throws Exception {
    String user = "user-" + UUID.randomUUID();
    String laptop = node.token(user, "laptop");
    String phone = node.token(user, "phone");
    String base = api.put("/v1/files/same.txt", laptop, "v1").json().getString("etag");
    JsonObject head = api.put("/v1/files/same.txt", laptop, "v2").json();

    Reply again =
        api.put(
            "/v1/files/same.txt",
            phone,
            "v2",
            "If-Match",
            "\"" + base + "\"",
            "Content-Digest",
            digest("v2"));

    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().getLong("rev")).isEqualTo(head.getLong("rev"));
    assertThat(api.get("/v1/versions/same.txt", laptop).json().getJsonArray("versions")).hasSize(2);
    assertThat(
            Scrape.of(node.managementPort())
                .sum("ironsync_sync_conflicts_total", "kind=\"identical\""))
        .isGreaterThanOrEqualTo(1);
  }
}
