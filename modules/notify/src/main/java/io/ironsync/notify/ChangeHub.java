package io.ironsync.notify;

import io.ironsync.domain.ApiException;
import io.ironsync.metadata.Change;
import io.ironsync.metadata.ChangesRequest;
import io.ironsync.metadata.MetadataClient;
import io.ironsync.notify.impl.DeviceFeed;
import io.ironsync.observability.SyncMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The devices connected to one event loop, by user, and the change batches that reach them. Each
 * edge verticle instance owns one hub, created and used on its event loop only; the hub listens to
 * {@link NotifyAddresses#CHANGES}, where local commits and batches relayed from other nodes arrive,
 * and hands each batch to the feeds and long-polls of that user alone.
 */
public final class ChangeHub {

  /** A long-poll in progress: its answer (whether a change exists), and a way to give up on it. */
  public record Waiting(Future<Boolean> answer, Runnable cancel) {}

  private final Vertx vertx;
  private final MetadataClient metadata;
  private final HubSettings settings;
  private final SyncMetrics metrics;
  private final Map<String, Set<DeviceFeed>> feeds = new HashMap<>();
  private final Map<String, Set<LongPoll>> longPolls = new HashMap<>();
  private MessageConsumer<ChangeBatch> consumer;
  private long heartbeatTimer = -1;
  private boolean stopped;

  public ChangeHub(
      Vertx vertx, MetadataClient metadata, HubSettings settings, SyncMetrics metrics) {
    this.vertx = vertx;
    this.metadata = metadata;
    this.settings = settings;
    this.metrics = metrics;
  }

  /** Call on the owning event loop. */
  public Future<Void> start() {
    ChangePublisher.registerCodec(vertx);
    consumer =
        vertx.eventBus().localConsumer(NotifyAddresses.CHANGES, message -> deliver(message.body()));
    long tick = Math.max(1, settings.heartbeat().toMillis() / 2);
    heartbeatTimer = vertx.setPeriodic(tick, id -> heartbeats());
    return consumer.completion();
  }

  /** Closes every feed (their connections end; devices reconnect elsewhere) and stops listening. */
  public Future<Void> stop() {
    stopped = true;
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
    }
    List<DeviceFeed> all = new ArrayList<>();
    feeds.values().forEach(all::addAll);
    all.forEach(DeviceFeed::shutdown);
    List<LongPoll> polls = new ArrayList<>();
    longPolls.values().forEach(polls::addAll);
    polls.forEach(poll -> poll.finish(false));
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /**
   * Connects a device: it receives every change after {@code after} (from the journal first when
   * behind), or every change from now on when {@code after} is empty. Fails, having sent nothing,
   * when the position cannot be served (410 for a pruned one).
   *
   * @param onClosed runs once when the feed has closed, whatever ended it; at once when the feed
   *     cannot start
   * @return the feed, to {@link DeviceFeed#close()} when the connection ends
   */
  public Future<DeviceFeed> connect(
      String userId, OptionalLong after, PushTarget target, Runnable onClosed) {
    if (stopped) {
      onClosed.run();
      return Future.failedFuture(stopping());
    }
    Set<DeviceFeed> userFeeds = feeds.computeIfAbsent(userId, id -> new LinkedHashSet<>());
    DeviceFeed[] self = new DeviceFeed[1];
    DeviceFeed feed =
        new DeviceFeed(
            new DeviceFeed.Context(
                vertx,
                metadata,
                settings,
                metrics,
                () -> {
                  remove(feeds, userId, self[0]);
                  onClosed.run();
                  // last, so whoever sees the gauge drop can count on what closing released
                  metrics.pushClients(target.transport(), -1);
                }),
            userId,
            target);
    self[0] = feed;
    userFeeds.add(feed);
    metrics.pushClients(target.transport(), 1);
    return feed.start(after).map(feed);
  }

  /**
   * Answers true as soon as the user's journal has anything after {@code afterSeq}, false after
   * {@code timeout}. Reads the journal head once; after that it waits for batches, never polling.
   * Fails like a journal read (410 for a pruned position).
   */
  public Waiting awaitChange(String userId, long afterSeq, Duration timeout) {
    if (stopped) {
      return new Waiting(Future.failedFuture(stopping()), () -> {});
    }
    LongPoll poll = new LongPoll(userId, afterSeq);
    longPolls.computeIfAbsent(userId, id -> new LinkedHashSet<>()).add(poll);
    metrics.longPolls(1);
    poll.timer = vertx.setTimer(Math.max(1, timeout.toMillis()), id -> poll.finish(false));
    // registered before the read, so a batch arriving meanwhile is not missed
    metadata
        .changes(new ChangesRequest(userId, afterSeq, 0))
        .onSuccess(
            page -> {
              metrics.backlog(page.headSeq() - afterSeq);
              if (page.headSeq() > afterSeq) {
                poll.finish(true);
              }
            })
        .onFailure(poll::fail);
    return new Waiting(poll.answer.future(), () -> poll.finish(false));
  }

  /** Devices connected to this hub. */
  public int connected() {
    return feeds.values().stream().mapToInt(Set::size).sum();
  }

  private void deliver(ChangeBatch batch) {
    List<Change> changes = batch.changes();
    if (changes.isEmpty()) {
      return;
    }
    Set<DeviceFeed> userFeeds = feeds.get(batch.userId());
    if (userFeeds != null) {
      for (DeviceFeed feed : List.copyOf(userFeeds)) {
        feed.offer(changes);
      }
    }
    Set<LongPoll> polls = longPolls.get(batch.userId());
    if (polls != null) {
      long newest = changes.get(changes.size() - 1).seq();
      for (LongPoll poll : List.copyOf(polls)) {
        if (newest > poll.afterSeq) {
          poll.finish(true);
        }
      }
    }
  }

  private void heartbeats() {
    long now = System.nanoTime();
    for (Set<DeviceFeed> userFeeds : feeds.values()) {
      for (DeviceFeed feed : userFeeds) {
        feed.heartbeatIfIdle(now);
      }
    }
  }

  private static ApiException stopping() {
    return ApiException.unavailable("node-stopping", "this node is shutting down; try again", 1);
  }

  private static <T> void remove(Map<String, Set<T>> byUser, String userId, T item) {
    Set<T> items = byUser.get(userId);
    if (items != null && items.remove(item) && items.isEmpty()) {
      byUser.remove(userId);
    }
  }

  private final class LongPoll {
    private final String userId;
    private final long afterSeq;
    private final Promise<Boolean> answer = Promise.promise();
    private long timer = -1;

    LongPoll(String userId, long afterSeq) {
      this.userId = userId;
      this.afterSeq = afterSeq;
    }

    void finish(boolean changed) {
      settle(() -> answer.complete(changed));
    }

    void fail(Throwable failure) {
      settle(() -> answer.fail(failure));
    }

    private void settle(Runnable answering) {
      if (answer.future().isComplete()) {
        return;
      }
      vertx.cancelTimer(timer);
      remove(longPolls, userId, this);
      try {
        answering.run();
      } finally {
        // after the answer's handlers ran, so whoever sees the gauge drop can count on what the
        // long-poll held being released
        metrics.longPolls(-1);
      }
    }
  }
}
