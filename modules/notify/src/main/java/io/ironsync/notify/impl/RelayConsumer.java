package io.ironsync.notify.impl;

import io.ironsync.notify.ChangeBatch;
import io.ironsync.notify.NotifyAddresses;
import io.ironsync.observability.SyncMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving half of the relay: each record of the change topic becomes a change batch for this
 * node's devices, unless this node sent it. A record that cannot be read or passed on is counted
 * and skipped; the records after it are handled as usual, and the devices find the skipped changes
 * in the journal when the next change shows them a gap.
 */
public final class RelayConsumer {

  private static final Logger log = LoggerFactory.getLogger(RelayConsumer.class);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final Vertx vertx;
  private final String nodeId;
  private final SyncMetrics metrics;

  /**
   * @param nodeId the origin this node writes into the batches it sends; those are skipped
   */
  public RelayConsumer(Vertx vertx, String nodeId, SyncMetrics metrics) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.metrics = metrics;
  }

  /** One record's value, with where it was read for the log. */
  public void receive(int partition, long offset, String value) {
    ChangeBatch batch;
    try {
      batch = ChangeBatch.fromJson(new JsonObject(value));
    } catch (RuntimeException e) {
      metrics.relayConsumeFailed(SyncMetrics.RELAY_DECODE);
      log.warn(
          "skipping an unreadable change batch at partition {} offset {}: {}",
          partition,
          offset,
          e.toString());
      return;
    }
    if (nodeId.equals(batch.origin()) || batch.changes().isEmpty()) {
      return;
    }
    try {
      vertx.eventBus().publish(NotifyAddresses.CHANGES, batch, LOCAL);
    } catch (RuntimeException e) {
      metrics.relayConsumeFailed(SyncMetrics.RELAY_DELIVER);
      log.warn(
          "a change batch from partition {} offset {} did not reach this node's devices: {}",
          partition,
          offset,
          e.toString());
      return;
    }
    Instant committed = batch.changes().get(batch.changes().size() - 1).ts();
    metrics.relayConsumed(Duration.between(committed, Instant.now()));
  }

  /** The consumer failed to fetch records; it goes on polling. */
  public void pollFailed(Throwable failure) {
    metrics.relayConsumeFailed(SyncMetrics.RELAY_POLL);
    log.warn("change relay consumer: {}", failure.toString());
  }
}
