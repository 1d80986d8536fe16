package io.ironsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.app.ApiClient.Transport;
import io.ironsync.testkit.Eventually;
import io.ironsync.testkit.TestKafka;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka goes away while two nodes serve: writes go on, devices on the writing node still get their
 * changes, the failures are counted and readiness says so, and devices on the other node recover
 * the changes from the journal when they reconnect.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SyncKafkaFailureIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path firstDir;
  @TempDir Path secondDir;

  @Test
  void without_kafka_writes_go_on_and_no_change_is_lost_for_devices() {
    TestKafka kafka = TestKafka.start();
    Map<String, String> settings = new HashMap<>();
    settings.put("kafka.bootstrap-servers", kafka.bootstrapServers());
    settings.put("kafka.partitions", "2");
    settings.put("node.id", "node-1");
    TestGateway first = TestGateway.start(TestGateway.Store.LOCAL, firstDir, settings);
    settings.put("node.id", "node-2");
    TestGateway second = TestGateway.joining(first, secondDir, settings);
    String user = "user-" + UUID.randomUUID();
    String token = first.token(user, "laptop");
    try (ApiClient api = new ApiClient(Transport.HTTP1, first);
        PushClient local = PushClient.sse(first.port(), token, HttpVersion.HTTP_1_1, null);
        PushClient remote = PushClient.sse(second.port(), token, HttpVersion.HTTP_1_1, null)) {
      local.next("ready", WAIT);
      remote.next("ready", WAIT);
      api.put("/v1/files/before.txt", token, "relayed");
      String remoteLast = remote.next("changes", WAIT).id();

      kafka.close();
      assertThat(api.put("/v1/files/during.txt", token, "not relayed").status()).isEqualTo(201);

      JsonObject seen = local.next("changes", WAIT).changes().get(0);
      while (!seen.getString("path").equals("during.txt")) {
        seen = local.next("changes", WAIT).changes().get(0);
      }
      Eventually.await(
          "the failed relay is counted",
          WAIT,
          () ->
              Scrape.of(first.managementPort())
                      .sum("ironsync_relay_produced_total", "outcome=\"failure\"")
                  >= 1);
      Eventually.await(
          "readiness reports Kafka down",
          WAIT,
          () -> Scrape.get(first.managementPort(), "/health/ready").contains("DOWN"));
      try (PushClient back =
          PushClient.sse(second.port(), token, HttpVersion.HTTP_1_1, remoteLast)) {
        JsonObject recovered = back.next("changes", WAIT).changes().get(0);
        assertThat(recovered.getString("path")).isEqualTo("during.txt");
        assertThat(recovered.getLong("seq")).isEqualTo(Long.parseLong(remoteLast) + 1);
      }
    } finally {
      second.close();
      first.close();
      kafka.close();
    }
  }
}
