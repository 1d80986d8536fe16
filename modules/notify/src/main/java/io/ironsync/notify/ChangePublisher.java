package io.ironsync.notify;

import io.ironsync.metadata.Change;
import io.ironsync.metadata.ChangeListener;
import io.ironsync.metadata.impl.LocalCodec;
import io.ironsync.observability.SyncMetrics;
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
 *
 * <p>It also counts version churn: the revisions each write created, and the heads they replaced.
 */
public final class ChangePublisher implements ChangeListener {

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final Vertx vertx;
  private final String nodeId;
  private final Optional<KafkaRelay> relay;
  private final SyncMetrics metrics;

  public ChangePublisher(
      Vertx vertx, String nodeId, Optional<KafkaRelay> relay, SyncMetrics metrics) {
    registerCodec(vertx);
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.relay = relay;
    this.metrics = metrics;
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
    countVersions(changes);
  }

  /**
   * Every journal entry stands for the revisions its write created: a put one (replacing the
   * previous revision at its path unless it is the path's first), a delete one tombstone (replacing
   * the head), a move two (the file at its new path, replacing what was there unless it is that
   * path's first revision, and a tombstone replacing the head at the old path).
   */
  private void countVersions(List<Change> changes) {
    int[] created = new int[Change.Op.values().length];
    int[] superseded = new int[Change.Op.values().length];
    for (Change change : changes) {
      int op = change.op().ordinal();
      int replacedAtPath = change.rev() > 1 ? 1 : 0;
      switch (change.op()) {
        case PUT -> {
          created[op] += 1;
          superseded[op] += replacedAtPath;
        }
        case DELETE -> {
          created[op] += 1;
          superseded[op] += 1;
        }
        case MOVE -> {
          created[op] += 2;
          superseded[op] += 1 + replacedAtPath;
        }
      }
    }
    for (Change.Op op : Change.Op.values()) {
      if (created[op.ordinal()] > 0) {
        metrics.versions(op.wireName(), created[op.ordinal()], superseded[op.ordinal()]);
      }
    }
  }
}
