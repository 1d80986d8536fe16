package io.ironsync.sync;

import io.ironsync.metadata.MetadataClient;
import io.ironsync.notify.ChangeHub;
import io.ironsync.notify.HubSettings;
import io.ironsync.observability.SyncMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * What the sync routes share across event loops. Each edge event loop {@link #attach attaches} its
 * own {@link SyncEndpoints}, with a hub of its own for the devices connected there.
 *
 * @param longPollBackoffAbove waiting long-polls per event loop above which answers tell clients to
 *     back off
 * @param longPollLimit the longest a long-poll really waits, whatever the client asks: below the
 *     idle timeout, which would otherwise close the silent connection first
 * @param streams the push connections and long-polls each user holds open, counted over every event
 *     loop of the node
 */
public record SyncService(
    MetadataClient metadata,
    HubSettings hub,
    int longPollBackoffAbove,
    Duration longPollLimit,
    StreamSlots streams,
    SyncMetrics metrics) {

  /** With a fresh count of streams that lets each user hold {@code maxStreamsPerUser}. */
  public SyncService(
      MetadataClient metadata,
      HubSettings hub,
      int longPollBackoffAbove,
      Duration longPollLimit,
      int maxStreamsPerUser,
      SyncMetrics metrics) {
    this(
        metadata,
        hub,
        longPollBackoffAbove,
        longPollLimit,
        new StreamSlots(maxStreamsPerUser),
        metrics);
  }

  /** Call on the event loop that serves the routes; the hub listens for changes from then on. */
  public Future<SyncEndpoints> attach(Vertx vertx) {
    ChangeHub changeHub = new ChangeHub(vertx, metadata, hub, metrics);
    return changeHub.start().map(started -> new SyncEndpoints(this, changeHub));
  }
}
