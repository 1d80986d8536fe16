package io.ironsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.app.ApiClient.Reply;
import io.ironsync.app.ApiClient.Transport;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Moves, versions, restores, content lookup and batch commits through the public API. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class OpsApiIT {

  @TempDir static Path dataDir;
  private static TestGateway node;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    node = TestGateway.start(TestGateway.Store.S3, dataDir);
    api = new ApiClient(Transport.HTTP1, node);
  }

  @AfterAll
  static void stop() {
    api.close();
    node.close();
  }

  private static String token() {
    return node.token("user-" + UUID.randomUUID(), "laptop");
  }

  private static Reply post(String path, String token, JsonObject body) {
    return api.call(
        HttpMethod.POST,
        path,
        token,
        ApiClient.headers("Content-Type", "application/json"),
        body.toBuffer());
  }

  @Test
  void a_folder_move_moves_every_file_and_the_journal_says_so() {
    String token = token();
    for (int i = 0; i < 25; i++) {
      api.put("/v1/files/photos/2024/img" + i + ".jpg", token, "jpeg " + i);
    }
    String cursor = api.get("/v1/changes", token).json().getString("cursor");

    Reply moved =
        post(
            "/v1/ops/move",
            token,
            new JsonObject().put("from", "photos").put("to", "archive/photos"));

    assertThat(moved.status()).as(moved.body().toString()).isEqualTo(200);
    assertThat(moved.json().getJsonArray("moved")).hasSize(25);
    assertThat(api.get("/v1/files/archive/photos/2024/img7.jpg", token).body().toString())
        .isEqualTo("jpeg 7");
    assertThat(api.get("/v1/files/photos/2024/img7.jpg", token).status()).isEqualTo(404);
    assertThat(api.get("/v1/list/photos", token).status()).isEqualTo(404);
    JsonArray changes =
        api.get("/v1/changes?cursor=" + cursor, token).json().getJsonArray("changes");
    assertThat(changes).hasSize(25);
    JsonObject first = changes.getJsonObject(0);
    assertThat(first.getString("op")).isEqualTo("move");
    assertThat(first.getString("from")).startsWith("photos/2024/");
    assertThat(first.getString("path")).startsWith("archive/photos/2024/");
  }

  @Test
  void move_refusals_are_clear() {
    String token = token();
    api.put("/v1/files/a.txt", token, "a");
    api.put("/v1/files/b.txt", token, "b");

    assertThat(
            post("/v1/ops/move", token, new JsonObject().put("from", "a.txt").put("to", "b.txt"))
                .status())
        .isEqualTo(409);
    assertThat(
            post("/v1/ops/move", token, new JsonObject().put("from", "nope").put("to", "c.txt"))
                .status())
        .isEqualTo(404);
    assertThat(post("/v1/ops/move", token, new JsonObject().put("from", "a.txt")).status())
        .isEqualTo(400);
    assertThat(
            post(
                    "/v1/ops/move",
                    token,
                    new JsonObject()
                        .put("from", "a.txt")
                        .put("to", "c.txt")
                        .put("ifMatch", "1-0000000000000000"))
                .status())
        .isEqualTo(412);
    assertThat(
            api.call(
                    HttpMethod.POST,
                    "/v1/ops/move",
                    token,
                    ApiClient.headers("Content-Type", "application/json"),
                    Buffer.buffer("{not json"))
                .status())
        .isEqualTo(400);
    // over HTTP/2, where an answer that comes before the whole body is read reaches the client
    assertThat(
            new JdkHttp2Client(node)
                .postJson("/v1/ops/move", token, new byte[5 << 20])
                .statusCode())
        .isEqualTo(413);
    assertThat(
            post("/v1/ops/move", null, new JsonObject().put("from", "a.txt").put("to", "c.txt"))
                .status())
        .isEqualTo(401);
    assertThat(api.get("/v1/files/a.txt", token).status()).isEqualTo(200);
  }

  @Test
  void an_old_version_and_a_deleted_file_can_be_restored() {
    String token = token();
    api.put("/v1/files/doc.txt", token, "first draft");
    api.put("/v1/files/doc.txt", token, "second draft");

    JsonObject versions = api.get("/v1/versions/doc.txt", token).json();
    assertThat(versions.getJsonArray("versions"))
        .extracting(v -> ((JsonObject) v).getLong("rev"))
        .containsExactly(2L, 1L);

    Reply restored =
        post("/v1/ops/restore", token, new JsonObject().put("path", "doc.txt").put("rev", 1));
    assertThat(restored.status()).isEqualTo(200);
    assertThat(restored.json().getLong("rev")).isEqualTo(3);
    assertThat(api.get("/v1/files/doc.txt", token).body().toString()).isEqualTo("first draft");

    assertThat(api.call(HttpMethod.DELETE, "/v1/files/doc.txt", token).status()).isEqualTo(204);
    assertThat(api.get("/v1/files/doc.txt", token).status()).isEqualTo(404);
    Reply fromTrash =
        post("/v1/ops/restore", token, new JsonObject().put("path", "doc.txt").put("rev", 2));
    assertThat(fromTrash.status()).isEqualTo(201);
    assertThat(api.get("/v1/files/doc.txt", token).body().toString()).isEqualTo("second draft");

    String stranger = token();
    assertThat(api.get("/v1/versions/doc.txt", stranger).status()).isEqualTo(404);
    assertThat(
            post("/v1/ops/restore", stranger, new JsonObject().put("path", "doc.txt").put("rev", 1))
                .status())
        .isEqualTo(404);
  }

  @Test
  void a_client_skips_uploading_content_it_already_stores_and_never_learns_of_others() {
    String owner = token();
    String other = token();
    Reply put = api.put("/v1/files/original.bin", owner, "shared bytes");
    String sha = put.json().getString("sha256");
    String otherSha =
        api.put("/v1/files/second.bin", owner, "other bytes").json().getString("sha256");
    api.put("/v1/files/secret.bin", other, "someone else's bytes");
    String othersSha = api.get("/v1/meta/secret.bin", other).json().getString("sha256");

    JsonObject found =
        post(
                "/v1/ops/lookup-hashes",
                owner,
                new JsonObject().put("sha256", new JsonArray().add(sha).add(othersSha)))
            .json();
    assertThat(found.getJsonArray("stored")).containsExactly(sha);

    JsonArray items =
        new JsonArray()
            .add(new JsonObject().put("path", "copy-1.bin").put("sha256", sha).put("size", 12))
            .add(
                new JsonObject().put("path", "copy-2.bin").put("sha256", othersSha).put("size", 20))
            .add(
                new JsonObject()
                    .put("path", "original.bin")
                    .put("sha256", otherSha)
                    .put("size", 11)
                    .put("ifNoneMatch", "*"));
    Reply batch = post("/v1/ops/commit-batch", owner, new JsonObject().put("items", items));

    assertThat(batch.status()).isEqualTo(200);
    assertThat(statuses(batch)).containsExactly(201, 404, 412);
    assertThat(api.get("/v1/files/copy-1.bin", owner).body().toString()).isEqualTo("shared bytes");
    assertThat(api.get("/v1/files/copy-2.bin", owner).status()).isEqualTo(404);
    assertThat(
            post("/v1/ops/commit-batch", owner, new JsonObject().put("items", new JsonArray()))
                .status())
        .isEqualTo(400);
    assertThat(
            post(
                    "/v1/ops/lookup-hashes",
                    owner,
                    new JsonObject().put("sha256", new JsonArray().add("xyz")))
                .status())
        .isEqualTo(400);
  }

  /** The per-item statuses of a batch answer, in item order. */
  private static List<Integer> statuses(Reply batch) {
    List<Integer> statuses = new ArrayList<>();
    batch
        .json()
        .getJsonArray("items")
        .forEach(i -> statuses.add(((JsonObject) i).getInteger("status")));
    return statuses;
  }

  private static Reply batchUpload(String token, Buffer body) {
    return api.call(
        HttpMethod.POST,
        "/v1/ops/commit-batch",
        token,
        ApiClient.headers("Content-Type", BatchBody.CONTENT_TYPE),
        body);
  }

  @Test
  void a_batch_may_hold_up_to_a_thousand_files_and_one_more_is_refused_clearly() {
    String token = token();
    BatchBody full = new BatchBody();
    for (int i = 0; i < 1000; i++) {
      full.file("many/" + i + ".txt", "file " + i);
    }
    Reply batch = batchUpload(token, full.end());
    assertThat(batch.status()).as(batch.body().toString()).isEqualTo(200);
    assertThat(statuses(batch)).hasSize(1000).containsOnly(201);
    assertThat(api.get("/v1/files/many/999.txt", token).body().toString()).isEqualTo("file 999");

    BatchBody tooMany = new BatchBody();
    for (int i = 0; i < 1001; i++) {
      tooMany.file("more/" + i + ".txt", "x");
    }
    Reply refused = batchUpload(token, tooMany.end());
    assertThat(refused.status()).as(refused.body().toString()).isBetween(400, 499);
    assertThat(api.get("/v1/files/more/0.txt", token).status()).isEqualTo(404);
  }

  @Test
  void many_small_files_are_uploaded_and_committed_in_one_request() {
    String token = token();
    api.put("/v1/files/clash/inside.txt", token, "makes clash a folder");
    int objectsBefore = io.ironsync.testkit.TestS3.shared().objectKeys(node.bucket).size();

    Reply batch =
        batchUpload(
            token,
            new BatchBody()
                .file("notes/a.txt", "alpha")
                .file("notes/b%20c.txt", "beta gamma")
                .file("clash", "cannot be a file here")
                .end());

    assertThat(batch.status()).as(batch.body().toString()).isEqualTo(200);
    assertThat(statuses(batch)).containsExactly(201, 201, 409);
    assertThat(api.get("/v1/files/notes/a.txt", token).body().toString()).isEqualTo("alpha");
    assertThat(api.get("/v1/files/notes/b%20c.txt", token).body().toString())
        .isEqualTo("beta gamma");
    // the refused file's bytes are gone again: two objects more, not three
    io.ironsync.testkit.Eventually.await(
        "the refused part's object is deleted",
        java.time.Duration.ofSeconds(10),
        () ->
            io.ironsync.testkit.TestS3.shared().objectKeys(node.bucket).size()
                == objectsBefore + 2);

    Reply same = batchUpload(token, new BatchBody().file("notes/a.txt", "alpha").end());
    assertThat(same.json().getJsonArray("items").getJsonObject(0).getInteger("status"))
        .isEqualTo(200);
    assertThat(batchUpload(token, new BatchBody().file(null, "no filename").end()).status())
        .isEqualTo(400);
    assertThat(batchUpload(token, new BatchBody().file("a/../b", "bad path").end()).status())
        .isEqualTo(400);
    assertThat(batchUpload(token, new BatchBody().end()).status()).isEqualTo(400);
    assertThat(
            batchUpload(token, new BatchBody().part("ifWhatever=1", "x", "y").end())
                .json()
                .getString("type"))
        .isEqualTo("urn:ironsync:problem:invalid-precondition");
    assertThat(batchUpload(null, new BatchBody().file("x", "y").end()).status()).isEqualTo(401);
    io.ironsync.testkit.Eventually.await(
        "refused batches leave no objects",
        java.time.Duration.ofSeconds(10),
        () ->
            io.ironsync.testkit.TestS3.shared().objectKeys(node.bucket).size()
                == objectsBefore + 2);
  }

  @Test
  void each_part_of_a_batch_can_carry_its_own_precondition() {
    String token = token();
    String etag = api.put("/v1/files/pre/kept.txt", token, "v1").json().getString("etag");
    api.put("/v1/files/pre/exists.txt", token, "already here");
    int objectsBefore = io.ironsync.testkit.TestS3.shared().objectKeys(node.bucket).size();

    Reply batch =
        batchUpload(
            token,
            new BatchBody()
                .part("ifMatch=" + etag, "pre/kept.txt", "v2")
                .part("ifNoneMatch=*", "pre/exists.txt", "must not replace")
                .part("ifNoneMatch=*", "pre/new.txt", "created")
                .part("ifMatch=1-0000000000000000", "pre/stale.txt", "no such revision")
                .end());

    assertThat(batch.status()).as(batch.body().toString()).isEqualTo(200);
    assertThat(statuses(batch)).containsExactly(200, 412, 201, 412);
    assertThat(api.get("/v1/files/pre/kept.txt", token).body().toString()).isEqualTo("v2");
    assertThat(api.get("/v1/files/pre/exists.txt", token).body().toString())
        .isEqualTo("already here");
    assertThat(api.get("/v1/files/pre/stale.txt", token).status()).isEqualTo(404);
    io.ironsync.testkit.Eventually.await(
        "the refused parts' objects are deleted",
        java.time.Duration.ofSeconds(10),
        () ->
            io.ironsync.testkit.TestS3.shared().objectKeys(node.bucket).size()
                == objectsBefore + 2);
  }
}
