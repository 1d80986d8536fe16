package io.ironsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.app.ApiClient.Reply;
import io.ironsync.app.ApiClient.Transport;
import io.ironsync.testkit.BlockedThreadWatch;
import io.ironsync.testkit.Eventually;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user holds at most {@code sync.max-streams-per-user} push connections and long-polls on a node,
 * over all transports and event loops together: one more is refused with 429, other users are not
 * affected, and a stream that ends, however it ends, gives its place back.
 */
@ExtendWith(BlockedThreadWatch.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SyncLimitsIT {

  private static final int CAP = 3;
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String TOO_MANY_STREAMS = "urn:ironsync:problem:too-many-streams";

  @TempDir static Path dataDir;
  private static TestGateway node;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    // two event loops, so a user's streams are spread over both and still counted together
    node =
        TestGateway.start(
            TestGateway.Store.LOCAL,
            dataDir,
            Map.of("sync.max-streams-per-user", String.valueOf(CAP), "http.instances", "2"));
    api = new ApiClient(Transport.HTTP1, node);
  }

  @AfterAll
  static void stop() {
    api.close();
    node.close();
  }

  private static String token() {
    return node.token("user-" + UUID.randomUUID(), "phone");
  }

  private static Scrape metrics() {
    return Scrape.of(node.managementPort());
  }

  private static double pushClients() {
    return metrics().sum("ironsync_push_clients");
  }

  private static double refused(String transport) {
    return metrics().sum("ironsync_sync_streams_refused_total", "transport=\"" + transport + "\"");
  }

  private static String cursor(String token) {
    Reply reply = api.get("/v1/changes", token);
    assertThat(reply.status()).isEqualTo(200);
    return reply.json().getString("cursor");
  }

  private static PushClient sse(String token, HttpVersion version) {
    PushClient client = PushClient.sse(node.port(), token, version, null);
    assertThat(client.status()).as("%s", client.refusal()).isEqualTo(200);
    client.next("ready", WAIT);
    return client;
  }

  private static PushClient webSocket(String token) {
    PushClient client = PushClient.webSocket(node.port(), token, null);
    assertThat(client.status()).as("%s", client.refusal()).isEqualTo(101);
    client.next("ready", WAIT);
    return client;
  }

  private static void assertTooManyStreams(Reply reply) {
    assertThat(reply.status()).as(reply.body().toString()).isEqualTo(429);
    assertThat(reply.header("Content-Type")).startsWith("application/problem+json");
    assertThat(Long.parseLong(reply.header("Retry-After"))).isPositive();
    assertTooManyStreams(reply.json());
  }

  private static void assertTooManyStreams(JsonObject problem) {
    assertThat(problem).isNotNull();
    assertThat(problem.getString("type")).isEqualTo(TOO_MANY_STREAMS);
    assertThat(problem.getInteger("status")).isEqualTo(429);
    assertThat(problem.getString("detail")).contains(String.valueOf(CAP));
  }

  private static void awaitPushClients(double expected) {
    Eventually.await(
        "ironsync_push_clients back at " + expected, WAIT, () -> pushClients() == expected);
  }

  @Test
  void the_stream_past_the_cap_is_refused_on_every_transport_while_other_users_stream_on() {
    String alice = token();
    String bob = token();
    double clientsBefore = pushClients();
    double sseBefore = refused("sse");
    double webSocketBefore = refused("websocket");
    double longPollBefore = refused("longpoll");

    try (PushClient overH2 = sse(alice, HttpVersion.HTTP_2);
        PushClient overH1 = sse(alice, HttpVersion.HTTP_1_1);
        PushClient ws = webSocket(alice);
        ApiClient h2c = new ApiClient(Transport.H2C, node)) {
      assertThat(pushClients()).isEqualTo(clientsBefore + CAP);

      assertTooManyStreams(api.get("/v1/events", alice));
      assertTooManyStreams(h2c.get("/v1/events", alice));
      try (PushClient refusedSocket = PushClient.webSocket(node.port(), alice, null)) {
        assertThat(refusedSocket.status()).isEqualTo(429);
        assertTooManyStreams(refusedSocket.refusal());
      }
      assertTooManyStreams(api.get("/v1/changes/wait?timeout=30&cursor=" + cursor(alice), alice));

      try (PushClient bobs = sse(bob, HttpVersion.HTTP_1_1)) {
        Reply bobWaited = api.get("/v1/changes/wait?timeout=1&cursor=" + cursor(bob), bob);
        assertThat(bobWaited.status()).isEqualTo(200);
        assertThat(bobWaited.json().getBoolean("changes")).isFalse();
        api.put("/v1/files/bob.txt", bob, "bob's");
        assertThat(bobs.next("changes", WAIT).changes())
            .extracting(c -> c.getString("path"))
            .containsExactly("bob.txt");
      }

      // the refusals took nothing from the streams alice holds
      api.put("/v1/files/alice.txt", alice, "alice's");
      for (PushClient stream : new PushClient[] {overH2, overH1, ws}) {
        assertThat(stream.next("changes", WAIT).changes())
            .extracting(c -> c.getString("path"))
            .containsExactly("alice.txt");
      }
      assertThat(refused("sse")).isEqualTo(sseBefore + 2);
      assertThat(refused("websocket")).isEqualTo(webSocketBefore + 1);
      assertThat(refused("longpoll")).isEqualTo(longPollBefore + 1);
    }
    awaitPushClients(clientsBefore);
  }

  @Test
  void a_stream_that_ends_gives_its_slot_back_however_it_ends() throws Exception {
    String alice = token();
    String cursor = cursor(alice);
    double clientsBefore = pushClients();

    // an answered long-poll: its slot is free by the time the answer arrives
    try (PushClient first = sse(alice, HttpVersion.HTTP_1_1);
        PushClient second = webSocket(alice);
        ApiClient poller = new ApiClient(Transport.HTTP1, node)) {
      CompletableFuture<Reply> waiting =
          CompletableFuture.supplyAsync(
              () -> poller.get("/v1/changes/wait?timeout=30&cursor=" + cursor, alice));
      Eventually.await(
          "the long-poll waits", WAIT, () -> metrics().sum("ironsync_longpoll_waiting") >= 1);
      assertTooManyStreams(api.get("/v1/events", alice));
      api.put("/v1/files/wake.txt", alice, "wake up");
      assertThat(waiting.get(15, TimeUnit.SECONDS).json().getBoolean("changes")).isTrue();

      try (PushClient third = sse(alice, HttpVersion.HTTP_2);
          PushClient refusedSocket = PushClient.webSocket(node.port(), alice, null)) {
        assertThat(refusedSocket.status()).isEqualTo(429);
        third.disconnect();
        awaitPushClients(clientsBefore + 2);
      }

      // a long-poll that times out gives its slot back too
      Reply timedOut = api.get("/v1/changes/wait?timeout=1&cursor=" + cursor(alice), alice);
      assertThat(timedOut.status()).isEqualTo(200);
      assertThat(timedOut.json().getBoolean("changes")).isFalse();
      try (PushClient third = sse(alice, HttpVersion.HTTP_1_1)) {
        assertTooManyStreams(api.get("/v1/events", alice));
      }

      // devices that leave: once the node noticed (the gauge dropped), their slots are free
      first.disconnect();
      second.disconnect();
      awaitPushClients(clientsBefore);
    }

    // a long-poll whose client went away before any answer
    try (ApiClient leaving = new ApiClient(Transport.HTTP1, node)) {
      String head = cursor(alice);
      CompletableFuture.runAsync(
          () -> leaving.get("/v1/changes/wait?timeout=60&cursor=" + head, alice));
      Eventually.await(
          "the long-poll waits", WAIT, () -> metrics().sum("ironsync_longpoll_waiting") >= 1);
    }
    Eventually.await(
        "the long-poll of the client that left ended",
        WAIT,
        () -> metrics().sum("ironsync_longpoll_waiting") == 0);

    // every slot came back, and no more than that: the cap holds exactly as before
    try (PushClient one = sse(alice, HttpVersion.HTTP_1_1);
        PushClient two = sse(alice, HttpVersion.HTTP_2);
        PushClient three = webSocket(alice)) {
      assertTooManyStreams(api.get("/v1/events", alice));
    }
    awaitPushClients(clientsBefore);
  }
}
