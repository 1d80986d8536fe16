package io.ironsync.notify;

import io.ironsync.metadata.Change;
import io.ironsync.metadata.ChangeListener;
import io.ironsync.metadata.impl.LocalCodec;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import java.util.List;
import java.util.Optional;

/**
 * Passes each committed change on: at once to this node's push clients over the event bus, and,
 * when Kafka is configured, to the other nodes through the {@link KafkaRelay}. It runs after the
 * commit, so a change can be lost here (the node dies, Kafka refuses it) but never announced before
 * it is durable; devices that miss an announcement find the change in the journal by cursor.
 */
public final class ChangePublisher implements ChangeListener {

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final Vertx vertx;
  private final String nodeId;
  private final Optional<KafkaRelay> relay;

  public ChangePublisher(Vertx vertx, String nodeId, Optional<KafkaRelay> relay) {
    registerCodec(vertx);
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.relay = relay;
  }

  /** Registers the local codec of {@link ChangeBatch} on this Vert.x, once. */
  public static void registerCodec(Vertx vertx) {
    EventBus bus = vertx.eventBus();
    synchronized (bus) {
      try {
        bus.registerDefaultCodec(ChangeBatch.class, new LocalCodec<>(ChangeBatch.class));
      } catch (IllegalStateException alreadyRegistered) {
        // another publisher or hub on this Vert.x did it
      }
    }
  }

  @Override
  public void changed(String userId, List<Change> changes) {
    ChangeBatch batch = new ChangeBatch(userId, changes, nodeId);
    vertx.eventBus().publish(NotifyAddresses.CHANGES, batch, LOCAL);
    relay.ifPresent(kafka -> kafka.send(batch));
  }
}
