package io.ironsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.app.ApiClient.Reply;
import io.ironsync.app.ApiClient.Transport;
import io.ironsync.app.PushClient.Notice;
import io.ironsync.testkit.TestPostgres;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One device changes files; the user's other devices learn of it through the delta feed, a
 * long-poll, Server-Sent Events and a WebSocket, and converge. Users never see each other's
 * changes.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SyncApiIT {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir static Path dataDir;
  private static TestGateway node;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    node =
        TestGateway.start(
            TestGateway.Store.LOCAL,
            dataDir,
            Map.of("sync.coalesce-window", "1s", "sync.heartbeat", "1s"));
    api = new ApiClient(Transport.HTTP1, node);
  }

  @AfterAll
  static void stop() {
    api.close();
    node.close();
  }

  private static String user() {
    return "user-" + UUID.randomUUID();
  }

  @Test
  void a_change_reaches_the_other_devices_on_every_transport_and_they_converge() throws Exception {
    String user = user();
    String laptop = node.token(user, "laptop");
    String phone = node.token(user, "phone");
    api.put("/v1/files/docs/old.txt", laptop, "already there");
    JsonObject listing = api.changes(phone, null);
    assertThat(ApiClient.paths(listing)).containsExactly("docs/old.txt");
    String cursor = listing.getString("cursor");

    try (PushClient sse = PushClient.sse(node.port(), phone, HttpVersion.HTTP_2, null);
        PushClient ws = PushClient.webSocket(node.port(), phone, null);
        ApiClient poller = new ApiClient(Transport.HTTP1, node)) {
      assertThat(sse.next("ready", WAIT)).isNotNull();
      assertThat(ws.next("ready", WAIT)).isNotNull();
      CompletableFuture<Reply> longPoll =
          CompletableFuture.supplyAsync(
              () -> poller.get("/v1/changes/wait?timeout=30&cursor=" + cursor, phone));

      Reply put = api.put("/v1/files/docs/new.txt", laptop, "fresh content");

      JsonObject pushed = sse.next("changes", WAIT).changes().get(0);
      assertThat(pushed.getString("path")).isEqualTo("docs/new.txt");
      assertThat(pushed.getString("op")).isEqualTo("put");
      assertThat(pushed.getString("sha256")).isEqualTo(put.json().getString("sha256"));
      assertThat(pushed.getString("deviceId")).isEqualTo("laptop");
      assertThat(ws.next("changes", WAIT).changes().get(0).getString("etag"))
          .isEqualTo(put.json().getString("etag"));
      Reply waited = longPoll.get(10, TimeUnit.SECONDS);
      assertThat(waited.status()).isEqualTo(200);
      assertThat(waited.json().getBoolean("changes")).isTrue();

      JsonObject delta = api.changes(phone, cursor);
      assertThat(ApiClient.paths(delta)).containsExactly("docs/new.txt");
      assertThat(delta.getBoolean("hasMore")).isFalse();
      assertThat(api.get("/v1/files/docs/new.txt", phone).body().toString())
          .isEqualTo("fresh content");
      assertThat(ApiClient.paths(api.changes(phone, delta.getString("cursor")))).isEmpty();
      Scrape metrics = Scrape.of(node.managementPort());
      assertThat(metrics.sum("ironsync_push_clients", "transport=\"sse\""))
          .isGreaterThanOrEqualTo(1);
      assertThat(metrics.sum("ironsync_push_clients", "transport=\"websocket\""))
          .isGreaterThanOrEqualTo(1);
      assertThat(metrics.sum("ironsync_push_delivered_total", "transport=\"sse\""))
          .isGreaterThanOrEqualTo(1);
      assertThat(metrics.sum("ironsync_push_delivery_latency_seconds_count"))
          .isGreaterThanOrEqualTo(2);
      assertThat(metrics.sum("ironsync_sync_backlog_entries_count")).isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void a_long_poll_without_changes_answers_false_after_its_timeout() {
    String user = user();
    String token = node.token(user);
    String cursor = api.changes(token, null).getString("cursor");

    long started = System.nanoTime();
    Reply waited = api.get("/v1/changes/wait?timeout=1&cursor=" + cursor, token);

    assertThat(waited.status()).isEqualTo(200);
    assertThat(waited.json().getBoolean("changes")).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void resuming_with_last_event_id_misses_nothing_and_repeats_nothing() {
    String user = user();
    String laptop = node.token(user, "laptop");
    String phone = node.token(user, "phone");
    String lastId;
    try (PushClient sse = PushClient.sse(node.port(), phone, HttpVersion.HTTP_1_1, null)) {
      sse.next("ready", WAIT);
      api.put("/v1/files/a.txt", laptop, "a1");
      lastId = sse.next("changes", WAIT).id();
      sse.disconnect();
    }
    api.put("/v1/files/b.txt", laptop, "b1");
    api.put("/v1/files/c.txt", laptop, "c1");
    api.call(io.vertx.core.http.HttpMethod.DELETE, "/v1/files/a.txt", laptop);

    try (PushClient again = PushClient.sse(node.port(), phone, HttpVersion.HTTP_1_1, lastId)) {
      List<String> seen = new ArrayList<>();
      while (seen.size() < 3) {
        again
            .next("changes", WAIT)
            .changes()
            .forEach(
                c ->
                    seen.add(
                        c.getLong("seq") + " " + c.getString("op") + " " + c.getString("path")));
      }
      api.put("/v1/files/d.txt", laptop, "d1");
      again
          .next("changes", WAIT)
          .changes()
          .forEach(
              c ->
                  seen.add(c.getLong("seq") + " " + c.getString("op") + " " + c.getString("path")));

      assertThat(lastId).isEqualTo("1");
      assertThat(seen)
          .containsExactly("2 put b.txt", "3 put c.txt", "4 delete a.txt", "5 put d.txt");
    }
  }

  @Test
  void a_websocket_resumes_from_a_position_and_streams_say_where_they_start() {
    String user = user();
    String laptop = node.token(user, "laptop");
    String phone = node.token(user, "phone");
    api.put("/v1/files/one.txt", laptop, "1");
    api.put("/v1/files/two.txt", laptop, "2");

    try (PushClient sse = PushClient.sse(node.port(), phone, HttpVersion.HTTP_1_1, null);
        PushClient ws = PushClient.webSocket(node.port(), phone, "1")) {
      Notice ready = sse.next("ready", WAIT);
      assertThat(ready.id()).isEqualTo("2");
      assertThat(ready.data().getLong("seq")).isEqualTo(2);
      assertThat(api.changes(phone, ready.data().getString("cursor")).getJsonArray("changes"))
          .isEmpty();
      assertThat(ws.status()).isEqualTo(101);
      assertThat(ws.next("ready", WAIT).data().getLong("seq")).isEqualTo(1);
      assertThat(ws.next("changes", WAIT).changes())
          .extracting(c -> c.getString("path"))
          .containsExactly("two.txt");
    }
    assertThat(api.get("/v1/ws", phone).status()).isEqualTo(426);
  }

  @Test
  void a_burst_goes_out_in_few_notifications_with_every_change_once() {
    String user = user();
    String laptop = node.token(user, "laptop");
    try (PushClient ws = PushClient.webSocket(node.port(), node.token(user, "phone"), null)) {
      ws.next("ready", WAIT);
      for (int i = 1; i <= 30; i++) {
        api.put("/v1/files/burst/" + i + ".txt", laptop, "content " + i);
      }
      List<Long> seqs = new ArrayList<>();
      int notifications = 0;
      while (seqs.size() < 30) {
        Notice notice = ws.next("changes", WAIT);
        notifications++;
        notice.changes().forEach(c -> seqs.add(c.getLong("seq")));
      }

      assertThat(seqs).hasSize(30).isSorted().doesNotHaveDuplicates();
      assertThat(notifications).isLessThan(15);
    }
  }

  @Test
  void idle_push_connections_get_heartbeats() {
    String token = node.token(user());
    try (PushClient sse = PushClient.sse(node.port(), token, HttpVersion.HTTP_1_1, null)) {
      sse.next("ready", WAIT);
      io.ironsync.testkit.Eventually.await(
          "a heartbeat on an idle stream", WAIT, () -> sse.heartbeats() > 0);
    }
  }

  @Test
  void users_never_see_each_others_changes_and_cursors() {
    String alice = node.token(user(), "laptop");
    String bob = node.token(user(), "laptop");
    String aliceCursor = api.changes(alice, null).getString("cursor");
    try (PushClient bobs = PushClient.sse(node.port(), bob, HttpVersion.HTTP_2, null)) {
      bobs.next("ready", WAIT);
      api.put("/v1/files/alice-secret.txt", alice, "private");
      api.put("/v1/files/bob.txt", bob, "mine");

      Notice first = bobs.next("changes", WAIT);
      assertThat(first.changes()).extracting(c -> c.getString("path")).containsExactly("bob.txt");
    }
    Reply stolen = api.get("/v1/changes?cursor=" + aliceCursor, bob);
    assertThat(stolen.status()).isEqualTo(400);
    assertThat(stolen.json().getString("type")).endsWith("invalid-cursor");
    assertThat(ApiClient.paths(api.changes(bob, null))).containsExactly("bob.txt");
  }

  @Test
  void the_first_listing_pages_through_live_files_then_continues_with_the_journal() {
    String user = user();
    String token = node.token(user, "laptop");
    for (String name : List.of("e", "a", "c", "b", "d")) {
      api.put("/v1/files/" + name, token, "content of " + name);
    }
    api.call(io.vertx.core.http.HttpMethod.DELETE, "/v1/files/c", token);

    List<String> listed = new ArrayList<>();
    JsonObject page = api.changes(token, null);
    String cursor = null;
    for (int i = 0; i < 5; i++) {
      Reply reply =
          api.get("/v1/changes?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), token);
      page = reply.json();
      listed.addAll(ApiClient.paths(page));
      cursor = page.getString("cursor");
      if (!page.getBoolean("hasMore")) {
        break;
      }
    }
    assertThat(listed).containsExactly("a", "b", "d", "e");
    for (int i = 0; i < 5; i++) {
      api.put("/v1/files/a", token, "edit " + i);
    }
    JsonObject after = api.changes(token, cursor);
    assertThat(ApiClient.paths(after)).containsExactly("a");
    assertThat(after.getJsonArray("changes").getJsonObject(0).getLong("rev")).isEqualTo(6);
  }

  @Test
  void a_cursor_older_than_retention_is_gone_with_a_reset_hint() {
    String user = user();
    String token = node.token(user, "laptop");
    String cursor = api.changes(token, null).getString("cursor");
    api.put("/v1/files/x", token, "1");
    api.put("/v1/files/y", token, "2");
    TestPostgres.execute(
        node.pgUrl,
        "delete from journal where user_id = '"
            + user
            + "' and seq <= 1;"
            + " update users set journal_floor = 1 where id = '"
            + user
            + "'");

    Reply gone = api.get("/v1/changes?cursor=" + cursor, token);
    Reply waitGone = api.get("/v1/changes/wait?timeout=5&cursor=" + cursor, token);

    assertThat(gone.status()).isEqualTo(410);
    assertThat(gone.json().getBoolean("reset")).isTrue();
    assertThat(waitGone.status()).isEqualTo(410);
    try (PushClient sse = PushClient.sse(node.port(), token, HttpVersion.HTTP_1_1, "0");
        PushClient ws = PushClient.webSocket(node.port(), token, "0")) {
      assertThat(sse.status()).isEqualTo(410);
      assertThat(sse.refusal().getBoolean("reset")).isTrue();
      assertThat(ws.status()).isEqualTo(410);
    }
    assertThat(ApiClient.paths(api.changes(token, null))).containsExactly("x", "y");
  }

  @Test
  void bad_requests_get_clear_errors() {
    String token = node.token(user());
    String cursor = api.changes(token, null).getString("cursor");

    assertThat(api.get("/v1/changes?limit=0", token).status()).isEqualTo(400);
    assertThat(api.get("/v1/changes?limit=abc", token).status()).isEqualTo(400);
    assertThat(api.get("/v1/changes?cursor=not-a-cursor", token).status()).isEqualTo(400);
    assertThat(api.get("/v1/changes/wait", token).status()).isEqualTo(400);
    assertThat(api.get("/v1/changes/wait?timeout=100000&cursor=" + cursor, token).status())
        .isEqualTo(400);
    assertThat(api.get("/v1/changes", null).status()).isEqualTo(401);
    assertThat(api.get("/v1/events", token, "Last-Event-ID", "minus-one").status()).isEqualTo(400);
    try (PushClient anonymous = PushClient.webSocket(node.port(), "not-a-token", null)) {
      assertThat(anonymous.status()).isEqualTo(401);
    }
  }
}
