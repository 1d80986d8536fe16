package io.ironsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.app.ApiClient.Reply;
import io.ironsync.app.ApiClient.Transport;
import io.ironsync.testkit.BlockedThreadWatch;
import io.ironsync.testkit.Eventually;
import io.ironsync.testkit.TcpProxy;
import io.ironsync.testkit.TestPostgresReplica;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pg.read-url} against a real streaming replica: listings, version histories and the delta
 * feed's pages come from the replica, so while its replay is paused they show the state it holds;
 * writes, metadata lookups, long-polls and push catch-ups see every commit at once because they
 * stay on the primary. A replica that is down or hangs sends its reads to the primary.
 */
@ExtendWith(BlockedThreadWatch.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ReadReplicaIT {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir static Path dataDir;
  private static TestPostgresReplica pg;
  private static String database;
  private static TcpProxy replicaProxy;
  private static TestGateway node;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    pg = TestPostgresReplica.shared();
    database = pg.newDatabase();
    // the gateway reaches the replica through a proxy, so a test can take it away
    replicaProxy = TcpProxy.to(pg.replicaPort());
    node =
        TestGateway.onDatabase(
            pg.primaryUrl(database),
            dataDir,
            Map.of("pg.read-url", TestPostgresReplica.url(replicaProxy.port(), database)));
    api = new ApiClient(Transport.H2C, node);
    pg.awaitReplicaCaughtUp();
  }

  @AfterAll
  static void stop() {
    api.close();
    node.close();
    replicaProxy.close();
  }

  @AfterEach
  void healReplica() {
    replicaProxy.stall(false);
    replicaProxy.refuse(false);
    pg.resumeReplay();
    awaitListingsFromReplica();
    pg.resumeReplay();
  }

  @Test
  void reads_that_may_lag_come_from_the_replica_while_writes_and_fresh_reads_use_the_primary()
      throws Exception {
    String user = "user-" + UUID.randomUUID();
    String laptop = node.token(user, "laptop");
    String phone = node.token(user, "phone");
    JsonObject empty = api.changes(phone, null);
    String start = empty.getString("cursor");
    assertThat(api.put("/v1/files/docs/a.txt", laptop, "first").status()).isEqualTo(201);
    pg.awaitReplicaCaughtUp();

    pg.pauseReplay();
    Reply written = api.put("/v1/files/docs/b.txt", laptop, "second");
    assertThat(written.status()).as("writes go to the primary").isEqualTo(201);
    Reply meta = api.get("/v1/meta/docs/b.txt", laptop);
    assertThat(meta.status()).as("a lookup after a write sees it").isEqualTo(200);
    assertThat(api.get("/v1/files/docs/b.txt", phone).body().toString()).isEqualTo("second");

    assertThat(listing(phone, "docs")).as("the replica's listing").containsExactly("a.txt");
    assertThat(api.get("/v1/versions/docs/b.txt", phone).status())
        .as("the replica has no history of b yet")
        .isEqualTo(404);
    JsonObject fromReplica = api.changes(phone, start);
    assertThat(ApiClient.paths(fromReplica))
        .as("the replica's journal")
        .containsExactly("docs/a.txt");
    String cursor = fromReplica.getString("cursor");

    Reply waited = api.get("/v1/changes/wait?timeout=10&cursor=" + cursor, phone);
    assertThat(waited.status()).isEqualTo(200);
    assertThat(waited.json().getBoolean("changes"))
        .as("a long-poll sees the change on the primary at once")
        .isTrue();
    JsonObject told = api.changes(phone, cursor);
    assertThat(ApiClient.paths(told))
        .as("the page a long-poll announced is there: the replica's empty page is read again")
        .containsExactly("docs/b.txt");
    try (PushClient sse = PushClient.sse(node.port(), phone, HttpVersion.HTTP_1_1, "0")) {
      List<String> pushed = new ArrayList<>();
      while (pushed.size() < 2) {
        sse.next("changes", WAIT).changes().forEach(c -> pushed.add(c.getString("path")));
      }
      assertThat(pushed)
          .as("a push catch-up reads the primary")
          .containsExactly("docs/a.txt", "docs/b.txt");
    }

    pg.resumeReplay();
    assertThat(listing(phone, "docs")).containsExactly("a.txt", "b.txt");
    assertThat(api.get("/v1/versions/docs/b.txt", phone).status()).isEqualTo(200);
    assertThat(ApiClient.paths(api.changes(phone, told.getString("cursor"))))
        .as("nothing repeated")
        .isEmpty();
  }

  @Test
  void a_cursor_the_replica_has_not_reached_is_answered_from_the_primary() throws Exception {
    String user = "user-" + UUID.randomUUID();
    String laptop = node.token(user, "laptop");
    String phone = node.token(user, "phone");
    pg.pauseReplay();
    assertThat(api.put("/v1/files/x.txt", laptop, "x").status()).isEqualTo(201);
    String pushed;
    try (PushClient sse = PushClient.sse(node.port(), phone, HttpVersion.HTTP_1_1, null)) {
      // a push stream's position comes from the primary, ahead of the paused replica
      pushed = sse.next("ready", WAIT).data().getString("cursor");
    }
    JsonObject page = api.changes(phone, pushed);
    assertThat(ApiClient.paths(page)).as("up to date, not 410 cursor-ahead").isEmpty();
    assertThat(api.put("/v1/files/y.txt", laptop, "y").status()).isEqualTo(201);
    assertThat(ApiClient.paths(api.changes(phone, page.getString("cursor"))))
        .containsExactly("y.txt");
  }

  @Test
  void a_listing_begun_on_the_primary_is_not_continued_from_a_replica_behind_it(
      @TempDir Path otherDir) {
    String user = "user-" + UUID.randomUUID();
    String laptop = node.token(user, "laptop");
    String phone = node.token(user, "phone");
    pg.pauseReplay();
    assertThat(api.put("/v1/files/f1.txt", laptop, "1").status()).isEqualTo(201);
    assertThat(api.put("/v1/files/f2.txt", laptop, "2").status()).isEqualTo(201);
    Reply first;
    // another node without a replica starts the listing on the primary
    try (TestGateway other = TestGateway.onDatabase(pg.primaryUrl(database), otherDir, Map.of());
        ApiClient otherApi = new ApiClient(Transport.H2C, other)) {
      first = otherApi.get("/v1/changes?limit=1", phone);
    }
    assertThat(first.status()).isEqualTo(200);
    assertThat(ApiClient.paths(first.json()))
        .as("the primary's first page")
        .containsExactly("f1.txt");

    JsonObject second = api.changes(phone, first.json().getString("cursor"));
    assertThat(ApiClient.paths(second))
        .as("the paused replica has no f2; the page comes from the primary")
        .containsExactly("f2.txt");
    assertThat(ApiClient.paths(api.changes(phone, second.getString("cursor")))).isEmpty();
  }

  @Test
  void an_unreachable_replica_sends_reads_to_the_primary_until_it_is_back() {
    String user = "user-" + UUID.randomUUID();
    String token = node.token(user, "laptop");
    replicaProxy.refuse(true);
    replicaProxy.dropConnections();
    assertThat(api.put("/v1/files/c.txt", token, "while the replica is away").status())
        .isEqualTo(201);
    assertThat(listing(token, "")).containsExactly("c.txt");
    assertThat(ApiClient.paths(api.changes(token, null))).containsExactly("c.txt");
    assertThat(api.get("/v1/versions/c.txt", token).status()).isEqualTo(200);

    replicaProxy.refuse(false);
    awaitListingsFromReplica();
    assertThat(
            Scrape.of(node.managementPort())
                .sum("ironsync_metadata_replica_fallbacks_total", "reason=\"failed\""))
        .isPositive();
  }

  @Test
  void a_replica_that_hangs_costs_a_late_answer_from_the_primary_not_a_failure() {
    String user = "user-" + UUID.randomUUID();
    String token = node.token(user, "laptop");
    assertThat(api.put("/v1/files/e.txt", token, "e").status()).isEqualTo(201);
    replicaProxy.stall(true);
    assertThat(listing(token, "")).containsExactly("e.txt");
    assertThat(ApiClient.paths(api.changes(token, null))).containsExactly("e.txt");
    assertThat(api.get("/v1/versions/e.txt", token).status()).isEqualTo(200);
  }

  /** The names in a folder's first page. */
  private static List<String> listing(String token, String folder) {
    Reply reply = api.get("/v1/list/" + folder, token);
    assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
    List<String> names = new ArrayList<>();
    reply
        .json()
        .getJsonArray("entries")
        .forEach(e -> names.add(((JsonObject) e).getString("name")));
    return names;
  }

  /**
   * Waits until listings come from the replica again (after a failure the primary serves them for a
   * while): with its replay paused, a file written now must be missing from them.
   */
  private static void awaitListingsFromReplica() {
    String probe = node.token("probe-" + UUID.randomUUID(), "probe");
    pg.pauseReplay();
    assertThat(api.put("/v1/files/probe.txt", probe, "probe").status()).isEqualTo(201);
    Eventually.await(
        "listings come from the replica again",
        Duration.ofSeconds(30),
        () -> api.get("/v1/list/", probe).status() == 200 && listing(probe, "").isEmpty());
    pg.resumeReplay();
  }
}
