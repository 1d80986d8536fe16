package io.ironsync.notify.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.metadata.Change;
import io.ironsync.notify.ChangeBatch;
import io.ironsync.notify.ChangePublisher;
import io.ironsync.notify.NotifyAddresses;
import io.ironsync.observability.impl.MicrometerSyncMetrics;
import io.ironsync.testkit.Eventually;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The relay's receiving half, fed record values as the Kafka consumer hands them over: what reaches
 * this node's devices, and what is counted as not passed on.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RelayConsumerTest {

  private final Vertx vertx = Vertx.vertx();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final RelayConsumer relay =
      new RelayConsumer(vertx, "node-b/1", new MicrometerSyncMetrics(registry));
  private final List<ChangeBatch> delivered = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private void listen() {
    ChangePublisher.registerCodec(vertx);
    vertx
        .eventBus()
        .<ChangeBatch>localConsumer(
            NotifyAddresses.CHANGES, message -> delivered.add(message.body()))
        .completion()
        .await();
  }

  private static String batch(String user, long seq, String origin) {
    Change change =
        new Change(
            seq, Change.Op.PUT, "f" + seq, null, 1, 1L, "sha", "e", "d", Instant.now(), null);
    return new ChangeBatch(user, List.of(change), origin).toJson().encode();
  }

  private double errors(String reason) {
    return registry.get("ironsync.relay.consume.errors").tag("reason", reason).counter().count();
  }

  @Test
  void unreadable_records_are_counted_and_the_next_batch_still_reaches_the_devices() {
    listen();
    JsonObject withoutTimestamp = new JsonObject(batch("alice", 1, "node-a/1"));
    withoutTimestamp.getJsonArray("changes").getJsonObject(0).remove("ts");

    relay.receive(0, 1, "not json");
    relay.receive(0, 2, null);
    relay.receive(0, 3, new JsonObject(batch("alice", 1, "node-a/1")).put("user", null).encode());
    relay.receive(0, 4, withoutTimestamp.encode());
    relay.receive(0, 5, batch("alice", 2, "node-a/1"));

    assertThat(errors("decode")).isEqualTo(4);
    Eventually.await(
        "the good batch is delivered", Duration.ofSeconds(10), () -> !delivered.isEmpty());
    assertThat(delivered).hasSize(1);
    assertThat(delivered.get(0).changes()).extracting(Change::seq).containsExactly(2L);
    assertThat(registry.get("ironsync.relay.latency").timer().count()).isEqualTo(1);
  }

  @Test
  void this_nodes_own_batches_are_skipped_without_counting_an_error() {
    listen();

    relay.receive(0, 1, batch("alice", 1, "node-b/1"));
    relay.receive(0, 2, batch("alice", 2, "node-a/1"));

    Eventually.await(
        "the other node's batch is delivered", Duration.ofSeconds(10), () -> !delivered.isEmpty());
    assertThat(delivered).extracting(ChangeBatch::origin).containsExactly("node-a/1");
    assertThat(errors("decode")).isZero();
    assertThat(errors("deliver")).isZero();
  }

  @Test
  void a_batch_that_cannot_be_handed_to_the_devices_is_counted_as_not_delivered() {
    // without the batch codec the event bus refuses the batch, as it would any failing hand-over
    relay.receive(0, 1, batch("alice", 1, "node-a/1"));

    assertThat(errors("deliver")).isEqualTo(1);
    assertThat(registry.get("ironsync.relay.latency").timer().count()).isZero();
  }

  @Test
  void a_failed_poll_is_counted() {
    relay.pollFailed(new IllegalStateException("not authorized to read the topic"));

    assertThat(errors("poll")).isEqualTo(1);
  }
}
