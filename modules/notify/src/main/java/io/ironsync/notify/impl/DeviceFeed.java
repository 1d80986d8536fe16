package io.ironsync.notify.impl;

import io.ironsync.domain.ApiException;
import io.ironsync.metadata.Change;
import io.ironsync.metadata.ChangesPage;
import io.ironsync.metadata.ChangesRequest;
import io.ironsync.metadata.MetadataClient;
import io.ironsync.notify.Compaction;
import io.ironsync.notify.HubSettings;
import io.ironsync.notify.PushTarget;
import io.ironsync.observability.SyncMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * One device's position in its user's journal and what it has been sent. Live changes are passed on
 * in seq order, exactly once: anything at or below the position is a duplicate and dropped; a
 * change past the next one reveals a gap (a batch still in flight from another node, or one lost
 * between a commit and its announcement), and the device is caught up from the journal instead,
 * which has every committed change. The same catch-up serves a device that resumes from an older
 * position, and one whose connection was too slow to take what was held for it.
 *
 * <p>Confined to its hub's event loop.
 */
public final class DeviceFeed {

  private enum State {
    STARTING,
    CATCHING_UP,
    LIVE,
    CLOSED
  }

  /** What a feed needs from its hub. */
  public record Context(
      Vertx vertx,
      MetadataClient metadata,
      HubSettings settings,
      SyncMetrics metrics,
      Runnable onClose) {}

  private final Context hub;
  private final String userId;
  private final PushTarget target;
  private State state = State.STARTING;
  // the last seq accepted for this device; written is the last seq actually sent
  private long position;
  private long written;
  private List<Change> pending = new ArrayList<>();
  private List<Change> held = new ArrayList<>();
  private boolean heldOverflowed;
  private long flushTimer = -1;
  private long lastFlushNanos;
  private long lastWriteNanos;
  private Runnable afterDrain;

  public DeviceFeed(Context hub, String userId, PushTarget target) {
    this.hub = hub;
    this.userId = userId;
    this.target = target;
    this.lastFlushNanos = System.nanoTime() - hub.settings().coalesceWindow().toNanos();
    this.lastWriteNanos = System.nanoTime();
  }

  public String userId() {
    return userId;
  }

  /** The seq of the last change accepted for this device: where a reconnect should resume. */
  public long position() {
    return position;
  }

  /**
   * Starts from {@code after}, replaying what the journal has after it, or from the journal's
   * current head when empty. Succeeds once the first step worked (the position is valid); fails
   * with the journal's answer otherwise (410 for a pruned position), having sent nothing.
   */
  public Future<Void> start(OptionalLong after) {
    Promise<Void> started = Promise.promise();
    if (after.isEmpty()) {
      hub.metadata()
          .changes(ChangesRequest.head(userId))
          .onSuccess(
              page -> {
                position = page.headSeq();
                written = position;
                started.tryComplete();
                goLive();
              })
          .onFailure(started::tryFail);
    } else {
      position = after.getAsLong();
      written = position;
      readJournal(started);
    }
    return started.future().onFailure(failure -> close());
  }

  /** Changes that arrived on this node for the user, in arrival order. */
  public void offer(List<Change> changes) {
    switch (state) {
      case CLOSED -> {}
      case STARTING, CATCHING_UP -> hold(changes);
      case LIVE -> accept(changes);
    }
  }

  /** Sends a heartbeat if nothing was written for the heartbeat interval. */
  public void heartbeatIfIdle(long nowNanos) {
    if (state != State.CLOSED
        && nowNanos - lastWriteNanos >= hub.settings().heartbeat().toNanos()
        && !target.writeQueueFull()) {
      target.heartbeat();
      lastWriteNanos = nowNanos;
    }
  }

  /** The hub stops: ends the connection, so the device reconnects to another node. */
  public void shutdown() {
    if (state != State.CLOSED) {
      close();
      target.end();
    }
  }

  /** The connection went away, or the hub stops. */
  public void close() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    if (flushTimer >= 0) {
      hub.vertx().cancelTimer(flushTimer);
    }
    pending = List.of();
    held = List.of();
    hub.onClose().run();
  }

  public boolean isClosed() {
    return state == State.CLOSED;
  }

  private void hold(List<Change> changes) {
    if (heldOverflowed) {
      return;
    }
    if (held.size() + changes.size() > hub.settings().maxHeld()) {
      // re-read from the journal once the current step ends, rather than keep an unbounded queue
      held = new ArrayList<>();
      heldOverflowed = true;
      return;
    }
    held.addAll(changes);
  }

  private void accept(List<Change> changes) {
    for (Change change : changes) {
      if (change.seq() <= position) {
        continue;
      }
      if (change.seq() != position + 1) {
        if (afterDrain != null) {
          // the connection is full: catch up once it drains, not into a full queue
          whenWritable(this::catchUp);
        } else {
          catchUp();
        }
        return;
      }
      pending.add(change);
      position = change.seq();
    }
    if (pending.size() > hub.settings().maxHeld()) {
      // the connection cannot keep up; forget what waits and re-read it once it drains
      pending = new ArrayList<>();
      position = written;
      whenWritable(this::catchUp);
      return;
    }
    scheduleFlush();
  }

  private void scheduleFlush() {
    if (pending.isEmpty() || flushTimer >= 0 || afterDrain != null) {
      return;
    }
    long window = hub.settings().coalesceWindow().toNanos();
    long quietFor = System.nanoTime() - lastFlushNanos;
    if (quietFor >= window) {
      flush();
    } else {
      flushTimer =
          hub.vertx()
              .setTimer(
                  Math.max(1, (window - quietFor) / 1_000_000),
                  id -> {
                    flushTimer = -1;
                    flush();
                  });
    }
  }

  private void flush() {
    if (state == State.CLOSED || pending.isEmpty()) {
      return;
    }
    if (target.writeQueueFull()) {
      whenWritable(this::flush);
      return;
    }
    List<Change> run = pending;
    pending = new ArrayList<>();
    List<Change> compacted = Compaction.compact(run);
    int notifications = write(compacted);
    Instant now = Instant.now();
    for (Change change : compacted) {
      hub.metrics().delivered(target.transport(), 1, Duration.between(change.ts(), now));
    }
    hub.metrics().coalesced(run.size() - notifications);
    written = position;
    lastFlushNanos = System.nanoTime();
  }

  /** Writes in notifications of at most the configured size; returns how many. */
  private int write(List<Change> changes) {
    int max = hub.settings().maxPerNotification();
    int notifications = 0;
    for (int from = 0; from < changes.size(); from += max) {
      target.send(changes.subList(from, Math.min(changes.size(), from + max)));
      notifications++;
    }
    lastWriteNanos = System.nanoTime();
    return notifications;
  }

  /**
   * Runs {@code next} now if the connection takes writes, else once it drains. Vert.x only signals
   * a drain after the queue was full, so waiting on a writable connection would wait forever.
   */
  private void whenWritable(Runnable next) {
    if (!target.writeQueueFull()) {
      // a drain callback that is already on its way finds nothing left to do
      afterDrain = null;
      next.run();
      return;
    }
    boolean registered = afterDrain != null;
    afterDrain = next;
    if (!registered) {
      target.onDrain(
          () -> {
            Runnable run = afterDrain;
            afterDrain = null;
            if (state != State.CLOSED && run != null) {
              run.run();
            }
          });
    }
  }

  private void catchUp() {
    if (state == State.CATCHING_UP || state == State.CLOSED) {
      return;
    }
    if (flushTimer >= 0) {
      hub.vertx().cancelTimer(flushTimer);
      flushTimer = -1;
    }
    // what was accepted but not sent is re-read with the rest
    pending = new ArrayList<>();
    position = written;
    state = State.CATCHING_UP;
    readJournal(null);
  }

  private void readJournal(Promise<Void> started) {
    hub.metadata()
        .changes(new ChangesRequest(userId, position, hub.settings().catchUpPage()))
        .onSuccess(
            page -> {
              if (started != null) {
                // a device resuming from a position: how far behind the journal head it was
                hub.metrics().backlog(page.headSeq() - position);
                started.tryComplete();
              }
              replay(page);
            })
        .onFailure(
            failure -> {
              if (started != null) {
                started.tryFail(failure);
              } else if (state != State.CLOSED) {
                target.close(
                    failure instanceof ApiException api
                        ? api
                        : ApiException.unavailable(
                            "journal-unavailable", "the change journal cannot be read", 5));
                close();
              }
            });
  }

  private void replay(ChangesPage page) {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CATCHING_UP;
    List<Change> fresh = page.changes().stream().filter(c -> c.seq() > position).toList();
    if (!fresh.isEmpty()) {
      write(Compaction.compact(fresh));
      hub.metrics().replayed(target.transport(), fresh.size());
      position = fresh.get(fresh.size() - 1).seq();
      written = position;
    }
    if (page.hasMore(position)) {
      if (target.writeQueueFull()) {
        whenWritable(() -> readJournal(null));
      } else {
        readJournal(null);
      }
      return;
    }
    goLive();
  }

  private void goLive() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.LIVE;
    List<Change> arrived = held;
    boolean overflowed = heldOverflowed;
    held = new ArrayList<>();
    heldOverflowed = false;
    if (overflowed) {
      catchUp();
    } else if (!arrived.isEmpty()) {
      accept(arrived);
    }
  }
}
