package io.ironsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.app.ApiClient.Transport;
import io.ironsync.app.PushClient.Notice;
import io.ironsync.testkit.TestKafka;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateway nodes sharing PostgreSQL, S3 and a real Kafka broker: a change committed on one node
 * reaches devices connected to the other, each device gets every change once and in order, and a
 * node that restarts lets its devices catch up by cursor.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SyncAcrossNodesIT {

  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir static Path firstDir;
  @TempDir static Path secondDir;
  private static Map<String, String> shared;
  private static TestGateway first;
  private static TestGateway second;

  @BeforeAll
  static void start() {
    shared =
        Map.of(
            "kafka.bootstrap-servers",
            TestKafka.shared().bootstrapServers(),
            "kafka.topic",
            "changes-" + UUID.randomUUID(),
            "kafka.partitions",
            "4");
    first = TestGateway.start(TestGateway.Store.S3, firstDir, with("node.id", "node-1"));
    second = TestGateway.joining(first, secondDir, with("node.id", "node-2"));
  }

  private static Map<String, String> with(String key, String value) {
    Map<String, String> settings = new java.util.HashMap<>(shared);
    settings.put(key, value);
    return settings;
  }

  @AfterAll
  static void stop() {
    if (second != null) {
      second.close();
    }
    first.close();
  }

  private static List<String> collect(PushClient device, int count) {
    List<String> seen = new ArrayList<>();
    while (seen.size() < count) {
      Notice notice = device.next("changes", WAIT);
      for (JsonObject change : notice.changes()) {
        seen.add(change.getLong("seq") + " " + change.getString("path"));
      }
    }
    return seen;
  }

  @Test
  void changes_on_either_node_reach_devices_on_both_once_and_in_order() {
    String user = "user-" + UUID.randomUUID();
    String token = first.token(user, "laptop");
    try (ApiClient one = new ApiClient(Transport.H2C, first);
        ApiClient two = new ApiClient(Transport.H2C, second);
        PushClient onFirst = PushClient.sse(first.port(), token, HttpVersion.HTTP_2, null);
        PushClient onSecond = PushClient.webSocket(second.port(), token, null)) {
      onFirst.next("ready", WAIT);
      onSecond.next("ready", WAIT);

      assertThat(one.put("/v1/files/from-one.txt", token, "1").status()).isEqualTo(201);
      assertThat(two.put("/v1/files/from-two.txt", token, "2").status()).isEqualTo(201);
      assertThat(one.put("/v1/files/again-one.txt", token, "3").status()).isEqualTo(201);

      List<String> expected = List.of("1 from-one.txt", "2 from-two.txt", "3 again-one.txt");
      assertThat(collect(onSecond, 3)).containsExactlyElementsOf(expected);
      assertThat(collect(onFirst, 3)).containsExactlyElementsOf(expected);
      assertThat(onFirst.drain()).isEmpty();
      assertThat(onSecond.drain()).isEmpty();
    }
    assertThat(Scrape.of(second.managementPort()).sum("ironsync_relay_latency_seconds_count"))
        .isGreaterThanOrEqualTo(2);
  }

  @Test
  void a_record_no_node_can_read_is_counted_and_the_next_change_still_arrives() throws Exception {
    String user = "user-" + UUID.randomUUID();
    String token = first.token(user, "laptop");
    String decodeErrors = "ironsync_relay_consume_errors_total";
    try (ApiClient one = new ApiClient(Transport.H2C, first);
        PushClient onSecond = PushClient.sse(second.port(), token, HttpVersion.HTTP_1_1, null);
        KafkaProducer<String, String> producer =
            new KafkaProducer<>(
                Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.shared().bootstrapServers()),
                new StringSerializer(),
                new StringSerializer())) {
      onSecond.next("ready", WAIT);
      double before = Scrape.of(second.managementPort()).sum(decodeErrors, "reason=\"decode\"");

      // keyed by the user: the same partition as the user's next batch, so it comes first
      producer
          .send(new ProducerRecord<>(shared.get("kafka.topic"), user, "{\"user\": 42"))
          .get(30, TimeUnit.SECONDS);
      assertThat(one.put("/v1/files/after-garbage.txt", token, "1").status()).isEqualTo(201);

      assertThat(collect(onSecond, 1)).containsExactly("1 after-garbage.txt");
      // the node handled the unreadable record before the batch behind it
      assertThat(Scrape.of(second.managementPort()).sum(decodeErrors, "reason=\"decode\"") - before)
          .isEqualTo(1);
    }
  }

  @Test
  void a_folder_move_larger_than_one_record_reaches_the_other_node_whole() {
    String user = "user-" + UUID.randomUUID();
    String token = first.token(user, "laptop");
    try (ApiClient one = new ApiClient(Transport.H2C, first);
        PushClient onSecond = PushClient.sse(second.port(), token, HttpVersion.HTTP_1_1, null)) {
      for (int i = 0; i < 120; i++) {
        one.put("/v1/files/album/" + i + ".jpg", token, "photo " + i);
      }
      int before = 120;
      List<String> seen = collect(onSecond, before);
      assertThat(seen).hasSize(before);

      ApiClient.Reply moved =
          one.call(
              io.vertx.core.http.HttpMethod.POST,
              "/v1/ops/move",
              token,
              ApiClient.headers("Content-Type", "application/json"),
              new JsonObject().put("from", "album").put("to", "archive/album").toBuffer());
      assertThat(moved.status()).isEqualTo(200);

      List<String> moves = collect(onSecond, 120);
      assertThat(moves).hasSize(120).allMatch(line -> line.contains(" archive/album/"));
      assertThat(moves.get(0)).startsWith("121 ");
      assertThat(moves.get(119)).startsWith("240 ");
    }
  }

  @Test
  void after_a_node_restarts_its_devices_catch_up_by_cursor() {
    String user = "user-" + UUID.randomUUID();
    String token = first.token(user, "phone");
    String lastId;
    try (ApiClient one = new ApiClient(Transport.H2C, first);
        PushClient device = PushClient.sse(second.port(), token, HttpVersion.HTTP_1_1, null)) {
      device.next("ready", WAIT);
      one.put("/v1/files/before.txt", token, "seen live");
      lastId = device.next("changes", WAIT).id();

      second.close();
      second = null;
      io.ironsync.testkit.Eventually.await("the stream ends with its node", WAIT, device::ended);
      one.put("/v1/files/while-down-1.txt", token, "missed live");
      one.put("/v1/files/while-down-2.txt", token, "missed live too");
    }
    second = TestGateway.joining(first, secondDir, with("node.id", "node-2"));
    try (ApiClient two = new ApiClient(Transport.H2C, second);
        PushClient back = PushClient.sse(second.port(), token, HttpVersion.HTTP_1_1, lastId)) {
      assertThat(collect(back, 2)).containsExactly("2 while-down-1.txt", "3 while-down-2.txt");
      JsonObject listing = two.get("/v1/changes", token).json();
      assertThat(listing.getJsonArray("changes").size()).isEqualTo(3);
    }
  }
}
