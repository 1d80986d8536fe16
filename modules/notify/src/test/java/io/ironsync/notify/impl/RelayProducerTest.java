package io.ironsync.notify.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.metadata.Change;
import io.ironsync.notify.ChangeBatch;
import io.ironsync.observability.impl.MicrometerSyncMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The relay's sending half against Kafka's own {@link MockProducer}, which lets the test hold every
 * send unanswered like a broker that went away.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RelayProducerTest {

  private final Vertx vertx = Vertx.vertx();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final MockProducer<String, String> kafka =
      new MockProducer<>(false, new StringSerializer(), new StringSerializer());
  private final RelayProducer relay =
      new RelayProducer(
          KafkaProducer.create(vertx, kafka), "changes", new MicrometerSyncMetrics(registry));

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private static ChangeBatch batch(String user, int changes) {
    List<Change> list = new ArrayList<>();
    for (int seq = 1; seq <= changes; seq++) {
      list.add(
          new Change(
              seq, Change.Op.PUT, "f" + seq, null, 1, 1L, "sha", "e", "d", Instant.EPOCH, null));
    }
    return new ChangeBatch(user, list, "node-a/1");
  }

  private double produced(String outcome) {
    return registry.get("ironsync.relay.produced").tag("outcome", outcome).counter().count();
  }

  /** Sends run on a worker; waits until the mock has seen {@code count} of them. */
  private void awaitSent(int count) {
    io.ironsync.testkit.Eventually.await(
        count + " records reach the producer",
        Duration.ofSeconds(10),
        () -> kafka.history().size() >= count);
  }

  @Test
  void while_kafka_does_not_answer_sends_past_the_bound_are_dropped_and_counted() {
    int attempts = RelayProducer.MAX_IN_FLIGHT + 50;
    for (int i = 0; i < attempts; i++) {
      relay.send(batch("user-" + i, 1));
    }
    awaitSent(RelayProducer.MAX_IN_FLIGHT);

    assertThat(produced("failure")).as("dropped at once").isEqualTo(50);
    assertThat(kafka.history()).hasSize(RelayProducer.MAX_IN_FLIGHT);
    assertThat(relay.pending())
        .as("the queue waiting for the broker")
        .isEqualTo(RelayProducer.MAX_IN_FLIGHT);

    // the broker answers again: the backlog completes, and new batches are sent
    while (kafka.completeNext()) {
      // each completion frees one place
    }
    io.ironsync.testkit.Eventually.await(
        "acknowledgements are counted",
        Duration.ofSeconds(10),
        () -> produced("success") == RelayProducer.MAX_IN_FLIGHT);
    assertThat(relay.pending()).isZero();
    relay.send(batch("after", 1));
    awaitSent(RelayProducer.MAX_IN_FLIGHT + 1);
    assertThat(produced("failure")).isEqualTo(50);
  }

  @Test
  void a_large_batch_travels_as_its_last_change_keyed_by_user() {
    relay.send(batch("alice", RelayProducer.MAX_CHANGES_PER_RECORD + 1));
    relay.send(batch("bob", 3));
    awaitSent(2);

    assertThat(kafka.history()).extracting(r -> r.key()).containsExactlyInAnyOrder("alice", "bob");
    for (var record : kafka.history()) {
      ChangeBatch sent = ChangeBatch.fromJson(new JsonObject(record.value()));
      if (record.key().equals("alice")) {
        assertThat(sent.changes())
            .extracting(Change::seq)
            .containsExactly((long) RelayProducer.MAX_CHANGES_PER_RECORD + 1);
      } else {
        assertThat(sent.changes()).hasSize(3);
      }
    }
  }
}
