package io.ironsync.app;

import static io.ironsync.app.ApiClient.headers;
import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.app.ApiClient.Reply;
import io.ironsync.testkit.BlockedThreadWatch;
import io.ironsync.testkit.GeneratedContent;
import io.ironsync.testkit.TestS3;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(BlockedThreadWatch.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FilesApiIT {

  @TempDir static Path dataDir;
  private static TestGateway gateway;
  private static ApiClient client;
  private static String alice;
  private static String bob;

  @BeforeAll
  static void start() {
    gateway =
        TestGateway.start(TestGateway.Store.S3, dataDir, Map.of("limits.max-file-bytes", "1MiB"));
    client = new ApiClient(ApiClient.Transport.H2C, gateway);
    alice = gateway.token("alice", "alice-laptop");
    bob = gateway.token("bob");
  }

  @AfterAll
  static void stop() {
    client.close();
    gateway.close();
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static String digestHeader(String text) throws Exception {
    return "sha-256=:"
        + Base64.getEncoder()
            .encodeToString(
                MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)))
        + ":";
  }

  @Test
  void create_then_update_returns_metadata_and_one_journal_row_each() throws Exception {
    Reply created = client.put("/v1/files/notes/todo.txt", alice, "milk");
    Reply updated = client.put("/v1/files/notes/todo.txt", alice, "milk, eggs");

    assertThat(created.status()).isEqualTo(201);
    JsonObject meta = created.json();
    assertThat(meta.getString("path")).isEqualTo("notes/todo.txt");
    assertThat(meta.getLong("rev")).isEqualTo(1);
    assertThat(meta.getLong("size")).isEqualTo(4);
    assertThat(meta.getString("sha256")).isEqualTo(sha256("milk"));
    assertThat(meta.getString("deviceId")).isEqualTo("alice-laptop");
    assertThat(meta.getString("modified")).isNotBlank();
    assertThat(created.header("ETag")).isEqualTo('"' + meta.getString("etag") + '"');
    assertThat(created.header("Location")).isEqualTo("/v1/files/notes/todo.txt");
    assertThat(updated.status()).isEqualTo(200);
    assertThat(updated.json().getLong("rev")).isEqualTo(2);
    assertThat(gateway.count("select count(*) from journal where path = 'notes/todo.txt'"))
        .isEqualTo(2);
    assertThat(client.get("/v1/files/notes/todo.txt", alice).body().toString())
        .isEqualTo("milk, eggs");
  }

  @Test
  void identical_content_over_the_head_is_a_no_op() {
    Reply first = client.put("/v1/files/same.txt", alice, "unchanged");
    long journalBefore = gateway.count("select count(*) from journal");
    int objectsBefore = TestS3.shared().objectKeys(gateway.bucket).size();

    Reply again = client.put("/v1/files/same.txt", alice, "unchanged");

    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().getLong("rev")).isEqualTo(first.json().getLong("rev"));
    assertThat(again.json().getString("etag")).isEqualTo(first.json().getString("etag"));
    assertThat(gateway.count("select count(*) from journal")).isEqualTo(journalBefore);
    assertThat(TestS3.shared().objectKeys(gateway.bucket))
        .as("the second copy of the bytes was removed again")
        .hasSize(objectsBefore);
  }

  @Test
  void if_match_updates_only_the_named_revision_and_412_carries_the_current_metadata() {
    JsonObject v1 = client.put("/v1/files/doc.txt", alice, "one").json();
    Reply ok =
        client.put("/v1/files/doc.txt", alice, "two", "If-Match", '"' + v1.getString("etag") + '"');
    Reply stale =
        client.put(
            "/v1/files/doc.txt", alice, "three", "If-Match", '"' + v1.getString("etag") + '"');

    assertThat(ok.status()).isEqualTo(200);
    assertThat(stale.status()).isEqualTo(412);
    assertThat(stale.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(stale.json().getString("type"))
        .isEqualTo("urn:ironsync:problem:precondition-failed");
    assertThat(stale.json().getJsonObject("current").getLong("rev")).isEqualTo(2);
    assertThat(client.get("/v1/files/doc.txt", alice).body().toString()).isEqualTo("two");
  }

  @Test
  void if_none_match_star_creates_only() {
    Reply created = client.put("/v1/files/once.txt", alice, "first", "If-None-Match", "*");
    Reply refused = client.put("/v1/files/once.txt", alice, "second", "If-None-Match", "*");

    assertThat(created.status()).isEqualTo(201);
    assertThat(refused.status()).isEqualTo(412);
    assertThat(refused.json().getJsonObject("current").getLong("rev")).isEqualTo(1);
    assertThat(client.get("/v1/files/once.txt", alice).body().toString()).isEqualTo("first");
  }

  @Test
  void a_matching_content_digest_is_accepted_and_a_wrong_one_commits_nothing() throws Exception {
    Reply ok =
        client.put(
            "/v1/files/digest.txt", alice, "payload", "Content-Digest", digestHeader("payload"));
    int objects = TestS3.shared().objectKeys(gateway.bucket).size();
    Reply wrong =
        client.put(
            "/v1/files/digest-bad.txt", alice, "payload", "Content-Digest", digestHeader("other"));

    assertThat(ok.status()).isEqualTo(201);
    assertThat(wrong.status()).isEqualTo(400);
    assertThat(wrong.json().getString("type")).isEqualTo("urn:ironsync:problem:digest-mismatch");
    assertThat(gateway.count("select count(*) from files where path = 'digest-bad.txt'")).isZero();
    assertThat(TestS3.shared().objectKeys(gateway.bucket)).hasSize(objects);
    assertThat(client.get("/v1/files/digest-bad.txt", alice).status()).isEqualTo(404);
  }

  @Test
  void range_requests_return_206_and_unsatisfiable_ranges_416() {
    client.put("/v1/files/range.txt", alice, "0123456789");

    Reply middle = client.get("/v1/files/range.txt", alice, "Range", "bytes=2-5");
    Reply suffix = client.get("/v1/files/range.txt", alice, "Range", "bytes=-3");
    Reply beyond = client.get("/v1/files/range.txt", alice, "Range", "bytes=50-");

    assertThat(middle.status()).isEqualTo(206);
    assertThat(middle.body().toString()).isEqualTo("2345");
    assertThat(middle.header("Content-Range")).isEqualTo("bytes 2-5/10");
    assertThat(suffix.body().toString()).isEqualTo("789");
    assertThat(beyond.status()).isEqualTo(416);
    assertThat(beyond.header("Content-Range")).isEqualTo("bytes */10");
  }

  @Test
  void if_none_match_answers_304_and_head_sends_headers_only() {
    Reply put = client.put("/v1/files/cache.txt", alice, "cached");
    String etag = put.header("ETag");

    Reply notModified = client.get("/v1/files/cache.txt", alice, "If-None-Match", etag);
    Reply head = client.call(HttpMethod.HEAD, "/v1/files/cache.txt", alice);

    assertThat(notModified.status()).isEqualTo(304);
    assertThat(notModified.body().length()).isZero();
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Content-Length")).isEqualTo("6");
    assertThat(head.header("ETag")).isEqualTo(etag);
    assertThat(head.header("Accept-Ranges")).isEqualTo("bytes");
    assertThat(head.body().length()).isZero();
  }

  @Test
  void old_revisions_stay_readable_with_rev() {
    client.put("/v1/files/history.txt", alice, "v1");
    client.put("/v1/files/history.txt", alice, "v2");

    assertThat(client.get("/v1/files/history.txt?rev=1", alice).body().toString()).isEqualTo("v1");
    assertThat(client.get("/v1/files/history.txt?rev=2", alice).body().toString()).isEqualTo("v2");
    assertThat(client.get("/v1/files/history.txt?rev=9", alice).status()).isEqualTo(404);
    assertThat(client.get("/v1/files/history.txt?rev=zero", alice).status()).isEqualTo(400);
    assertThat(client.get("/v1/meta/history.txt?rev=1", alice).json().getLong("size")).isEqualTo(2);
  }

  @Test
  void redirect_answers_302_to_a_presigned_url_that_serves_the_bytes() throws Exception {
    client.put("/v1/files/direct.txt", alice, "straight from S3");

    Reply redirect = client.get("/v1/files/direct.txt?redirect=1", alice);

    assertThat(redirect.status()).isEqualTo(302);
    String location = redirect.header("Location");
    assertThat(location).startsWith(TestS3.shared().endpoint()).contains("X-Amz-Signature");
    HttpResponse<String> fromS3 =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(location)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(fromS3.statusCode()).isEqualTo(200);
    assertThat(fromS3.body()).isEqualTo("straight from S3");
  }

  @Test
  void delete_leaves_a_tombstone_in_the_journal_and_the_file_is_gone() {
    client.put("/v1/files/trash/old.txt", alice, "bye");

    Reply deleted = client.call(HttpMethod.DELETE, "/v1/files/trash/old.txt", alice);

    assertThat(deleted.status()).isEqualTo(204);
    assertThat(client.get("/v1/files/trash/old.txt", alice).status()).isEqualTo(404);
    assertThat(client.get("/v1/meta/trash/old.txt", alice).status()).isEqualTo(404);
    assertThat(client.call(HttpMethod.DELETE, "/v1/files/trash/old.txt", alice).status())
        .isEqualTo(404);
    assertThat(
            gateway.count(
                "select count(*) from journal where path = 'trash/old.txt' and op = 'delete'"))
        .isEqualTo(1);
    assertThat(client.get("/v1/files/trash/old.txt?rev=1", alice).body().toString())
        .as("versions stay restorable")
        .isEqualTo("bye");
  }

  @Test
  void delete_with_a_stale_if_match_is_refused() {
    JsonObject v1 = client.put("/v1/files/keep.txt", alice, "a").json();
    client.put("/v1/files/keep.txt", alice, "b");

    Reply refused =
        client.call(
            HttpMethod.DELETE,
            "/v1/files/keep.txt",
            alice,
            headers("If-Match", '"' + v1.getString("etag") + '"'),
            null);

    assertThat(refused.status()).isEqualTo(412);
    assertThat(client.get("/v1/files/keep.txt", alice).status()).isEqualTo(200);
  }

  @Test
  void listing_shows_files_and_sub_folders_page_by_page() {
    for (String name : List.of("b.txt", "a.txt", "c.txt")) {
      client.put("/v1/files/album/" + name, alice, name);
    }
    client.put("/v1/files/album/2024/photo.jpg", alice, "jpeg");

    List<String> names = new ArrayList<>();
    String page = null;
    do {
      Reply reply =
          client.get("/v1/list/album?limit=2" + (page == null ? "" : "&page=" + page), alice);
      assertThat(reply.status()).isEqualTo(200);
      JsonArray entries = reply.json().getJsonArray("entries");
      assertThat(entries.size()).isLessThanOrEqualTo(2);
      entries.forEach(
          e ->
              names.add(
                  ((JsonObject) e).getString("name") + ":" + ((JsonObject) e).getString("type")));
      page = reply.json().getString("nextPage");
    } while (page != null);

    assertThat(names).containsExactly("2024:folder", "a.txt:file", "b.txt:file", "c.txt:file");
    assertThat(
            client.get("/v1/list/", alice).json().getJsonArray("entries").stream()
                .map(e -> ((JsonObject) e).getString("name")))
        .contains("album");
    assertThat(client.get("/v1/list/no-such-folder", alice).status()).isEqualTo(404);
    assertThat(client.get("/v1/list/album?limit=0", alice).status()).isEqualTo(400);
  }

  @Test
  void invalid_paths_are_400_with_a_clear_detail() {
    Map<String, String> cases =
        Map.of(
            "/v1/files/a/%2E%2E/b",
            "'..'",
            "/v1/files/a%00b",
            "control character",
            "/v1/files/a//b",
            "empty",
            "/v1/files/" + "x".repeat(256),
            "limit is 255 bytes",
            "/v1/files/bad%C3",
            "not valid UTF-8");
    // refused before the body is read: a client that handles an early answer
    JdkHttp2Client http2 = new JdkHttp2Client(gateway);
    cases.forEach(
        (path, detail) -> {
          HttpResponse<String> reply = http2.put(path, alice, new GeneratedContent(1, 1), true);
          assertThat(reply.statusCode()).as(path).isEqualTo(400);
          assertThat(new JsonObject(reply.body()).getString("detail")).as(path).contains(detail);
        });
    assertThat(gateway.count("select count(*) from journal where path like '%b'")).isZero();
  }

  @Test
  void requests_without_or_with_a_bad_token_are_401() {
    Reply none = client.get("/v1/files/x.txt", null);
    Reply bad = client.get("/v1/files/x.txt", "not-a-token");
    Reply upload =
        client.put("/v1/files/x.txt", "forged." + alice.substring(alice.indexOf('.') + 1), "x");

    assertThat(none.status()).isEqualTo(401);
    assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(bad.status()).isEqualTo(401);
    assertThat(upload.status()).isEqualTo(401);
    assertThat(gateway.count("select count(*) from files where path = 'x.txt'")).isZero();
  }

  @Test
  void another_users_file_is_simply_not_found() {
    client.put("/v1/files/private/diary.txt", alice, "secret");

    assertThat(client.get("/v1/files/private/diary.txt", bob).status()).isEqualTo(404);
    assertThat(client.get("/v1/meta/private/diary.txt", bob).status()).isEqualTo(404);
    assertThat(client.get("/v1/list/private", bob).status()).isEqualTo(404);
    assertThat(client.call(HttpMethod.DELETE, "/v1/files/private/diary.txt", bob).status())
        .isEqualTo(404);
    assertThat(client.get("/v1/files/private/diary.txt", alice).body().toString())
        .isEqualTo("secret");
  }

  @Test
  void bodies_over_the_size_limit_are_413_whether_announced_or_streamed() {
    JdkHttp2Client http2 = new JdkHttp2Client(gateway);

    HttpResponse<String> announced =
        http2.put("/v1/files/big.bin", alice, new GeneratedContent(1, 2 << 20), true);
    HttpResponse<String> streamed =
        http2.put("/v1/files/big2.bin", alice, new GeneratedContent(2, 2 << 20), false);

    assertThat(announced.statusCode()).isEqualTo(413);
    assertThat(streamed.statusCode()).isEqualTo(413);
    assertThat(new JsonObject(streamed.body()).getString("type")).endsWith("too-large");
    assertThat(gateway.count("select count(*) from files where path like 'big%'")).isZero();
    assertThat(TestS3.shared().multipartUploads(gateway.bucket)).isEmpty();
  }

  @Test
  void refused_uploads_leave_the_connection_able_to_carry_later_bodies() {
    JdkHttp2Client oneConnection = new JdkHttp2Client(gateway);
    for (int i = 0; i < 8; i++) {
      HttpResponse<String> refused =
          oneConnection.put(
              "/v1/files/refused-" + i + ".bin",
              alice,
              new GeneratedContent(i, 2 << 20),
              i % 2 == 0);
      assertThat(refused.statusCode()).as("refusal %d", i).isEqualTo(413);
    }

    HttpResponse<String> accepted =
        oneConnection.put(
            "/v1/files/after-refusals.bin", alice, new GeneratedContent(99, 900 << 10), false);

    assertThat(accepted.statusCode()).isEqualTo(201);
    assertThat(new JsonObject(accepted.body()).getLong("size")).isEqualTo(900 << 10);
  }

  @Test
  void a_client_that_keeps_sending_a_refused_body_gets_its_answer_and_later_requests_work() {
    JdkHttp2Client http2 = new JdkHttp2Client(gateway);

    HttpResponse<String> refused =
        http2.put("/v1/files/endless.bin", alice, new GeneratedContent(7, 40L << 20), true);
    HttpResponse<String> later =
        http2.put("/v1/files/after-endless.bin", alice, new GeneratedContent(8, 1000), true);

    assertThat(refused.statusCode()).isEqualTo(413);
    assertThat(later.statusCode()).isEqualTo(201);
  }

  @Test
  void every_response_carries_a_request_id_echoed_when_sane() {
    Reply echoed =
        client.call(HttpMethod.GET, "/v1/list", alice, headers("X-Request-Id", "trace-42"), null);
    Reply generated = client.get("/v1/list", alice);
    Reply unknown = client.get("/v1/nothing-here", alice);

    assertThat(echoed.header("X-Request-Id")).isEqualTo("trace-42");
    assertThat(generated.header("X-Request-Id")).isNotBlank();
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().getString("requestId")).isEqualTo(unknown.header("X-Request-Id"));
  }

  @Test
  void a_path_conflict_between_file_and_folder_is_409() {
    client.put("/v1/files/conflict/inner.txt", alice, "x");
    Reply fileOverFolder = client.put("/v1/files/conflict", alice, "y");
    client.put("/v1/files/plain.txt", alice, "z");
    Reply fileUnderFile = client.put("/v1/files/plain.txt/child.txt", alice, "w");

    assertThat(fileOverFolder.status()).isEqualTo(409);
    assertThat(fileUnderFile.status()).isEqualTo(409);
  }

  @Test
  void empty_files_round_trip() {
    Reply put = client.call(HttpMethod.PUT, "/v1/files/empty.txt", alice, null, Buffer.buffer());

    assertThat(put.status()).isEqualTo(201);
    assertThat(put.json().getLong("size")).isZero();
    Reply get = client.get("/v1/files/empty.txt", alice);
    assertThat(get.status()).isEqualTo(200);
    assertThat(get.body().length()).isZero();
  }
}
