package io.ironsync.app;

import static io.ironsync.app.TusRequests.b64;
import static io.ironsync.app.TusRequests.tus;
import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.app.ApiClient.Reply;
import io.ironsync.app.ApiClient.Transport;
import io.ironsync.testkit.BlockedThreadWatch;
import io.ironsync.testkit.Eventually;
import io.ironsync.testkit.GeneratedContent;
import io.ironsync.testkit.TcpProxy;
import io.ironsync.testkit.TestS3;
import io.tus.java.client.ProtocolException;
import io.tus.java.client.TusClient;
import io.tus.java.client.TusURLMemoryStore;
import io.tus.java.client.TusUpload;
import io.tus.java.client.TusUploader;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * tus 1.0 at {@code /v1/uploads} against real PostgreSQL and S3: a stock client (tus-java-client)
 * whose connection is cut mid-chunk resumes and commits the right bytes; the protocol's refusals
 * are the ones the protocol names.
 */
@ExtendWith(BlockedThreadWatch.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TusApiIT {

  private static final int MIB = 1 << 20;

  @TempDir static Path dataDir;
  private static TestGateway node;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    node =
        TestGateway.start(
            TestGateway.Store.S3, dataDir, Map.of("http.cors-origins", "https://app.example"));
    api = new ApiClient(Transport.HTTP1, node);
  }

  @AfterAll
  static void stop() {
    api.close();
    node.close();
  }

  private static String token() {
    return node.token("tus-" + UUID.randomUUID(), "phone");
  }

  private static Reply create(String token, long length, String path) {
    return TusRequests.create(api, token, length, path);
  }

  private static Reply patch(
      String token, String location, long offset, byte[] body, String... more) {
    return TusRequests.patch(api, token, location, offset, body, more);
  }

  private static long offsetOf(String token, String location) {
    Reply head = api.call(HttpMethod.HEAD, location, token, tus(), null);
    assertThat(head.status()).isEqualTo(200);
    return Long.parseLong(head.header("Upload-Offset"));
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void a_stock_client_cut_off_mid_chunk_resumes_and_the_file_is_exact() throws Exception {
    String token = token();
    byte[] content = new GeneratedContent(21, 12L * MIB).next(12 * MIB);
    TusURLMemoryStore urls = new TusURLMemoryStore();
    try (TcpProxy proxy = TcpProxy.to(node.port())) {
      TusClient client = new TusClient();
      client.setUploadCreationURL(new URL("http://127.0.0.1:" + proxy.port() + "/v1/uploads"));
      client.setHeaders(Map.of("Authorization", "Bearer " + token));
      client.enableResuming(urls);

      proxy.dropConnectionsAfter(5L * MIB);
      Throwable cut = null;
      try {
        send(client, content);
      } catch (IOException | ProtocolException e) {
        cut = e;
      }
      assertThat(cut).as("the connection was cut mid-upload").isNotNull();
      String location = urls.get("stock.bin").getPath();
      Eventually.await(
          "the bytes that arrived before the cut are kept",
          Duration.ofSeconds(20),
          () -> {
            Reply head = api.call(HttpMethod.HEAD, location, token, tus(), null);
            return head.status() == 200 && Long.parseLong(head.header("Upload-Offset")) > 0;
          });

      // like stock clients, retry while the server still holds the cut request's place
      Eventually.await(
          "the client resumes and finishes",
          Duration.ofSeconds(60),
          () -> trySend(client, content));
    }

    Reply file = api.get("/v1/files/tus/stock.bin", token);
    assertThat(file.status()).isEqualTo(200);
    assertThat(sha256(file.body().getBytes())).isEqualTo(sha256(content));
    assertThat(
            api.get("/v1/changes", token)
                .json()
                .getJsonArray("changes")
                .getJsonObject(0)
                .getString("path"))
        .isEqualTo("tus/stock.bin");
    Eventually.await(
        "no multipart upload or tail object is left",
        Duration.ofSeconds(20),
        () ->
            TestS3.shared().multipartUploads(node.bucket).isEmpty()
                && TestS3.shared().objectKeys(node.bucket).stream()
                    .noneMatch(key -> key.contains(".tail-")));
  }

  /** True once sent; null while the server answers 409 (the cut request still holds the upload). */
  private static Boolean trySend(TusClient client, byte[] content) {
    try {
      send(client, content);
      return true;
    } catch (ProtocolException e) {
      try {
        if (e.getCausingConnection() != null && e.getCausingConnection().getResponseCode() == 409) {
          return null;
        }
      } catch (IOException ignored) {
        // reported below
      }
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Creates the upload or resumes it from the server's offset, then sends the rest in 2 MiB
   * PATCHes.
   */
  private static void send(TusClient client, byte[] content) throws IOException, ProtocolException {
    TusUpload upload = new TusUpload();
    upload.setInputStream(new ByteArrayInputStream(content));
    upload.setSize(content.length);
    upload.setFingerprint("stock.bin");
    upload.setMetadata(Map.of("path", "tus/stock.bin"));
    TusUploader uploader = client.resumeOrCreateUpload(upload);
    uploader.setChunkSize(256 * 1024);
    uploader.setRequestPayloadSize(2 * MIB);
    while (uploader.uploadChunk() > -1) {
      // each call sends the next chunk
    }
    uploader.finish();
  }

  @Test
  void discovery_names_the_version_extensions_and_limits_without_a_token() {
    Reply options = api.call(HttpMethod.OPTIONS, "/v1/uploads", null, null, null);

    assertThat(options.status()).isEqualTo(204);
    assertThat(options.header("Tus-Version")).isEqualTo("1.0.0");
    assertThat(options.header("Tus-Extension"))
        .contains("creation", "creation-with-upload", "creation-defer-length", "termination")
        .contains("checksum", "expiration", "concatenation");
    assertThat(options.header("Tus-Checksum-Algorithm")).isEqualTo("sha1,sha256,md5");
    assertThat(Long.parseLong(options.header("Tus-Max-Size"))).isPositive();
  }

  @Test
  void chunks_at_the_wrong_offset_or_with_a_bad_checksum_move_nothing() throws Exception {
    String token = token();
    Reply created = create(token, 10, "tus/checked.txt");
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.header("Upload-Expires")).isNotBlank();
    String location = created.header("Location");

    Reply first =
        patch(token, location, 0, "hello".getBytes(), "Upload-Checksum", "sha1 " + sha1("hello"));
    assertThat(first.status()).isEqualTo(204);
    assertThat(first.header("Upload-Offset")).isEqualTo("5");

    Reply wrongOffset = patch(token, location, 3, "xx".getBytes());
    assertThat(wrongOffset.status()).isEqualTo(409);
    assertThat(wrongOffset.header("Upload-Offset")).isEqualTo("5");

    Reply mismatch =
        patch(token, location, 5, "world".getBytes(), "Upload-Checksum", "sha1 " + sha1("WORLD"));
    assertThat(mismatch.status()).isEqualTo(460);
    assertThat(offsetOf(token, location)).as("a refused chunk moves nothing").isEqualTo(5);

    Reply wrongType =
        api.call(
            HttpMethod.PATCH,
            location,
            token,
            tus("Upload-Offset", "5", "Content-Type", "text/plain"),
            Buffer.buffer("world"));
    assertThat(wrongType.status()).isEqualTo(415);

    Reply unsupported =
        patch(token, location, 5, "world".getBytes(), "Upload-Checksum", "crc32 AAAA");
    assertThat(unsupported.status()).isEqualTo(400);

    Reply last =
        patch(token, location, 5, "world".getBytes(), "Upload-Checksum", "sha1 " + sha1("world"));
    assertThat(last.status()).isEqualTo(204);
    assertThat(last.header("Upload-Offset")).isEqualTo("10");
    assertThat(last.header("ETag")).isNotBlank();
    assertThat(last.header("Content-Location")).isEqualTo("/v1/files/tus/checked.txt");
    assertThat(api.get("/v1/files/tus/checked.txt", token).body().toString())
        .isEqualTo("helloworld");
    Reply done = api.call(HttpMethod.HEAD, location, token, tus(), null);
    assertThat(done.header("ETag")).isEqualTo(last.header("ETag"));
    assertThat(done.header("Upload-Offset")).isEqualTo("10");
    Reply again = patch(token, location, 10, new byte[0]);
    assertThat(again.status()).as("a client that lost the last answer asks again").isEqualTo(204);
    assertThat(again.header("ETag")).isEqualTo(last.header("ETag"));
    Reply stale = patch(token, location, 5, "world".getBytes());
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.header("Upload-Offset")).isEqualTo("10");
  }

  private static String sha1(String text) throws Exception {
    return Base64.getEncoder()
        .encodeToString(MessageDigest.getInstance("SHA-1").digest(text.getBytes()));
  }

  @Test
  void an_upload_with_data_and_one_with_a_deferred_length_commit_like_a_put() {
    String token = token();
    Reply oneShot =
        api.call(
            HttpMethod.POST,
            "/v1/uploads",
            token,
            tus(
                "Upload-Length", "3",
                "Upload-Metadata", "path " + b64("tus/one shot.txt"),
                "Content-Type", "application/offset+octet-stream"),
            Buffer.buffer("abc"));
    assertThat(oneShot.status()).isEqualTo(201);
    assertThat(oneShot.header("Upload-Offset")).isEqualTo("3");
    assertThat(oneShot.header("Content-Location")).isEqualTo("/v1/files/tus/one%20shot.txt");
    assertThat(api.get("/v1/files/tus/one%20shot.txt", token).body().toString()).isEqualTo("abc");

    Reply deferred =
        api.call(
            HttpMethod.POST,
            "/v1/uploads",
            token,
            tus("Upload-Defer-Length", "1", "Upload-Metadata", "path " + b64("tus/later.txt")),
            null);
    assertThat(deferred.status()).isEqualTo(201);
    String location = deferred.header("Location");
    assertThat(
            api.call(HttpMethod.HEAD, location, token, tus(), null).header("Upload-Defer-Length"))
        .isEqualTo("1");
    assertThat(patch(token, location, 0, "12".getBytes()).status()).isEqualTo(204);
    Reply done = patch(token, location, 2, "34".getBytes(), "Upload-Length", "4");
    assertThat(done.status()).isEqualTo(204);
    assertThat(api.get("/v1/files/tus/later.txt", token).body().toString()).isEqualTo("1234");
  }

  @Test
  void a_terminated_upload_is_gone_with_its_bytes_and_others_never_see_it() {
    String token = token();
    String location = create(token, 12L * MIB, "tus/terminated.bin").header("Location");
    byte[] sixMib = new GeneratedContent(3, 6L * MIB).next(6 * MIB);
    assertThat(patch(token, location, 0, sixMib).status()).isEqualTo(204);
    assertThat(TestS3.shared().multipartUploads(node.bucket)).isNotEmpty();

    assertThat(api.call(HttpMethod.HEAD, location, token(), tus(), null).status())
        .as("another user's upload does not exist for them")
        .isEqualTo(404);
    assertThat(api.call(HttpMethod.DELETE, location, token(), tus(), null).status()).isEqualTo(404);

    assertThat(api.call(HttpMethod.DELETE, location, token, tus(), null).status()).isEqualTo(204);
    assertThat(api.call(HttpMethod.HEAD, location, token, tus(), null).status()).isEqualTo(404);
    Eventually.await(
        "S3 holds nothing for the terminated upload",
        Duration.ofSeconds(20),
        () ->
            TestS3.shared().multipartUploads(node.bucket).isEmpty()
                && TestS3.shared().objectKeys(node.bucket).stream()
                    .noneMatch(key -> key.contains(".tail-")));
  }

  @Test
  void requests_that_break_the_protocol_get_its_errors() {
    String token = token();
    Reply noVersion =
        api.call(
            HttpMethod.POST,
            "/v1/uploads",
            token,
            ApiClient.headers("Upload-Length", "1", "Upload-Metadata", "path " + b64("x")),
            null);
    assertThat(noVersion.status()).isEqualTo(412);
    assertThat(noVersion.header("Tus-Version")).isEqualTo("1.0.0");
    assertThat(create(token, 1, "").status()).as("no path").isEqualTo(400);
    assertThat(
            api.call(
                    HttpMethod.POST,
                    "/v1/uploads",
                    token,
                    tus("Upload-Metadata", "path " + b64("x")),
                    null)
                .status())
        .as("no length")
        .isEqualTo(400);
    assertThat(
            api.call(
                    HttpMethod.POST,
                    "/v1/uploads",
                    token,
                    tus("Upload-Length", "1", "Upload-Metadata", "path !!!notbase64"),
                    null)
                .status())
        .isEqualTo(400);
    assertThat(create(token, 1L << 50, "huge.bin").status()).isEqualTo(413);
    assertThat(create(null, 1, "x").status()).isEqualTo(401);
    Reply missing =
        api.call(HttpMethod.HEAD, "/v1/uploads/" + UUID.randomUUID(), token, tus(), null);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.header("Tus-Resumable")).isEqualTo("1.0.0");
    String location = create(token, 4, "tus/long.txt").header("Location");
    assertThat(patch(token, location, 0, "12345".getBytes()).status())
        .as("more than Upload-Length")
        .isEqualTo(413);
    assertThat(offsetOf(token, location)).isZero();
  }

  private static String partial(String token, byte[] content) {
    Reply created =
        api.call(
            HttpMethod.POST,
            "/v1/uploads",
            token,
            tus("Upload-Length", Integer.toString(content.length), "Upload-Concat", "partial"),
            null);
    assertThat(created.status()).isEqualTo(201);
    return created.header("Location");
  }

  private static Reply concatenate(String token, String path, List<String> partials) {
    return api.call(
        HttpMethod.POST,
        "/v1/uploads",
        token,
        tus(
            "Upload-Concat", "final;" + String.join(" ", partials),
            "Upload-Metadata", "path " + b64(path)),
        null);
  }

  @Test
  void four_partial_uploads_sent_in_parallel_become_one_file_without_sending_bytes_twice()
      throws Exception {
    String token = token();
    int[] sizes = {6 * MIB, 6 * MIB, 5 * MIB + 17, MIB + 3};
    java.io.ByteArrayOutputStream whole = new java.io.ByteArrayOutputStream();
    List<byte[]> pieces = new java.util.ArrayList<>();
    for (int i = 0; i < sizes.length; i++) {
      byte[] piece = new GeneratedContent(50 + i, sizes[i]).next(sizes[i]);
      pieces.add(piece);
      whole.writeBytes(piece);
    }
    List<String> locations = new java.util.ArrayList<>();
    for (byte[] piece : pieces) {
      locations.add(partial(token, piece));
    }
    double storedBefore = Scrape.of(node.managementPort()).sum("ironsync_storage_put_bytes_total");
    try (ApiClient parallel = new ApiClient(Transport.H2C, node)) {
      List<io.vertx.core.Future<Reply>> sent = new java.util.ArrayList<>();
      for (int i = 0; i < pieces.size(); i++) {
        int n = i;
        sent.add(
            parallel
                .open(
                    HttpMethod.PATCH,
                    locations.get(n),
                    token,
                    tus("Upload-Offset", "0", "Content-Type", "application/offset+octet-stream"))
                .compose(req -> req.send(Buffer.buffer(pieces.get(n))))
                .compose(
                    resp ->
                        resp.body()
                            .map(
                                body ->
                                    new Reply(
                                        resp.statusCode(), resp.headers(), body, resp.version()))));
      }
      for (io.vertx.core.Future<Reply> reply : sent) {
        assertThat(ApiClient.await(reply).status()).isEqualTo(204);
      }
    }
    assertThat(
            api.call(HttpMethod.HEAD, locations.get(0), token, tus(), null).header("Upload-Concat"))
        .isEqualTo("partial");

    Reply done = concatenate(token, "tus/joined.bin", locations);

    assertThat(done.status()).as(done.body().toString()).isEqualTo(201);
    assertThat(done.header("Upload-Offset")).isEqualTo(Integer.toString(whole.size()));
    assertThat(done.header("ETag")).isNotBlank();
    Reply file = api.get("/v1/files/tus/joined.bin", token);
    assertThat(sha256(file.body().getBytes())).isEqualTo(sha256(whole.toByteArray()));
    assertThat(
            Scrape.of(node.managementPort()).sum("ironsync_storage_put_bytes_total") - storedBefore)
        .as("bytes the gateway sent to S3: each partial once, the composition none")
        .isEqualTo(whole.size());
    Reply head = api.call(HttpMethod.HEAD, done.header("Location"), token, tus(), null);
    assertThat(head.header("Upload-Concat")).startsWith("final;/v1/uploads/");
    Eventually.await(
        "the partial uploads are used up",
        Duration.ofSeconds(20),
        () ->
            locations.stream()
                .allMatch(
                    location ->
                        api.call(HttpMethod.HEAD, location, token, tus(), null).status() == 404));
    assertThat(patch(token, done.header("Location"), 0, "x".getBytes()).status())
        .as("a final upload takes no PATCH")
        .isEqualTo(403);
  }

  @Test
  void small_partials_concatenate_and_bad_final_uploads_are_refused() throws Exception {
    String token = token();
    String first = partial(token, "small ".getBytes());
    String second = partial(token, "pieces".getBytes());
    assertThat(patch(token, first, 0, "small ".getBytes()).status()).isEqualTo(204);

    Reply incomplete = concatenate(token, "tus/small.txt", List.of(first, second));
    assertThat(incomplete.status()).isEqualTo(400);
    assertThat(incomplete.json().getString("type"))
        .isEqualTo("urn:ironsync:problem:partial-upload-incomplete");
    assertThat(concatenate(token(), "tus/theirs.txt", List.of(first)).status())
        .as("another user's partial upload")
        .isEqualTo(404);
    assertThat(concatenate(token, "tus/bad.txt", List.of("/v1/files/nope")).status())
        .isEqualTo(400);

    assertThat(patch(token, second, 0, "pieces".getBytes()).status()).isEqualTo(204);
    Reply done = concatenate(token, "tus/small.txt", List.of(first, second));
    assertThat(done.status()).as(done.body().toString()).isEqualTo(201);
    assertThat(api.get("/v1/files/tus/small.txt", token).body().toString())
        .isEqualTo("small pieces");
    assertThat(api.get("/v1/files/tus/small.txt", token).header("ETag"))
        .isEqualTo(done.header("ETag"));
  }

  @Test
  void browsers_of_the_configured_origin_may_call_and_read_the_tus_headers() {
    Reply preflight =
        api.call(
            HttpMethod.OPTIONS,
            "/v1/uploads/" + UUID.randomUUID(),
            null,
            ApiClient.headers(
                "Origin", "https://app.example",
                "Access-Control-Request-Method", "PATCH",
                "Access-Control-Request-Headers", "tus-resumable,upload-offset,content-type"),
            null);
    assertThat(preflight.status()).isBetween(200, 204);
    assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example");
    assertThat(preflight.header("Access-Control-Allow-Methods")).contains("PATCH");

    String token = token();
    Reply created =
        api.call(
            HttpMethod.POST,
            "/v1/uploads",
            token,
            tus(
                "Origin", "https://app.example",
                "Upload-Length", "1",
                "Upload-Metadata", "path " + b64("tus/browser.txt")),
            null);
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example");
    assertThat(created.header("Access-Control-Expose-Headers"))
        .contains("Location", "Upload-Offset", "Upload-Expires", "Tus-Resumable");

    Reply stranger =
        api.call(
            HttpMethod.OPTIONS,
            "/v1/uploads",
            null,
            ApiClient.headers(
                "Origin", "https://evil.example", "Access-Control-Request-Method", "PATCH"),
            null);
    assertThat(stranger.header("Access-Control-Allow-Origin")).isNull();
  }

  @Test
  void the_commit_of_the_last_byte_honours_the_uploads_precondition_like_a_put() {
    String token = token();
    String etag = api.put("/v1/files/tus/shared.txt", token, "v1").json().getString("etag");
    api.put("/v1/files/tus/shared.txt", token, "v2 from elsewhere");
    Scrape before = Scrape.of(node.managementPort());

    Reply strict =
        api.call(
            HttpMethod.POST,
            "/v1/uploads",
            token,
            tus(
                "Upload-Length",
                "2",
                "Upload-Metadata",
                "path " + b64("tus/shared.txt") + ",ifMatch " + b64(etag)),
            null);
    Reply refused = patch(token, strict.header("Location"), 0, "v3".getBytes());
    assertThat(refused.status()).isEqualTo(412);
    assertThat(api.get("/v1/files/tus/shared.txt", token).body().toString())
        .isEqualTo("v2 from elsewhere");

    Reply copying =
        api.call(
            HttpMethod.POST,
            "/v1/uploads",
            token,
            tus(
                "Upload-Length",
                "2",
                "Upload-Metadata",
                "path "
                    + b64("tus/shared.txt")
                    + ",ifMatch "
                    + b64(etag)
                    + ",onConflict "
                    + b64("copy")),
            null);
    Reply copied = patch(token, copying.header("Location"), 0, "v3".getBytes());
    assertThat(copied.status()).isEqualTo(204);
    assertThat(copied.header("Content-Location"))
        .startsWith("/v1/files/tus/shared%20%28conflict%20");
    assertThat(api.get(copied.header("Content-Location"), token).body().toString()).isEqualTo("v3");
    Scrape after = Scrape.of(node.managementPort());
    for (String kind : new String[] {"rejected", "copied"}) {
      assertThat(
              after.sum("ironsync_sync_conflicts_total", "kind=\"" + kind + "\"")
                  - before.sum("ironsync_sync_conflicts_total", "kind=\"" + kind + "\""))
          .as("conflicts " + kind + " like a PUT's")
          .isEqualTo(1);
    }
  }
}
