package io.ironsync.notify.impl;

import io.ironsync.notify.ChangeBatch;
import io.ironsync.observability.SyncMetrics;
import io.vertx.core.Future;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sending half of the relay. Sends never wait and never pile up: while the broker is away,
 * sends already waiting for it are bounded, and batches past that are dropped and counted as failed
 * (other nodes' devices find those changes in the journal when they next catch up). A large batch
 * travels as its last change alone, so records stay small whatever the batch.
 */
public final class RelayProducer {

  private static final Logger log = LoggerFactory.getLogger(RelayProducer.class);

  /** Well below Kafka's 1 MiB record limit even with long paths. */
  public static final int MAX_CHANGES_PER_RECORD = 100;

  /** Batches sent but not yet acknowledged or failed, past which new batches are dropped. */
  public static final int MAX_IN_FLIGHT = 500;

  private final KafkaProducer<String, String> producer;
  private final String topic;
  private final SyncMetrics metrics;
  // sends come from every metadata verticle's context
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicBoolean dropping = new AtomicBoolean();

  public RelayProducer(KafkaProducer<String, String> producer, String topic, SyncMetrics metrics) {
    this.producer = producer;
    this.topic = topic;
    this.metrics = metrics;
  }

  /** Sends a batch for the other nodes; failures are counted, never thrown. */
  public void send(ChangeBatch batch) {
    if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
      inFlight.decrementAndGet();
      metrics.relayProduced(false);
      if (dropping.compareAndSet(false, true)) {
        log.warn(
            "{} change batches are waiting for Kafka; further batches are not relayed until it"
                + " answers (other nodes' devices catch up by cursor)",
            MAX_IN_FLIGHT);
      }
      return;
    }
    ChangeBatch relayed =
        batch.changes().size() <= MAX_CHANGES_PER_RECORD
            ? batch
            : new ChangeBatch(
                batch.userId(),
                List.of(batch.changes().get(batch.changes().size() - 1)),
                batch.origin());
    producer
        .send(KafkaProducerRecord.create(topic, relayed.userId(), relayed.toJson().encode()))
        .onComplete(
            sent -> {
              inFlight.decrementAndGet();
              metrics.relayProduced(sent.succeeded());
              if (sent.succeeded()) {
                dropping.set(false);
              } else {
                log.warn(
                    "change batch not relayed to other nodes (their devices catch up by cursor):"
                        + " {}",
                    sent.cause().toString());
              }
            });
  }

  /** Batches sent and not yet acknowledged or failed: the queue waiting for the broker. */
  public int pending() {
    return inFlight.get();
  }

  /** Batches in flight when it ends are dropped; devices find those changes in the journal. */
  public Future<Void> close(long timeoutMillis) {
    return producer.close(timeoutMillis);
  }
}
