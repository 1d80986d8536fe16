package io.ironsync.ratelimit;

import io.ironsync.domain.ApiException;
import io.ironsync.observability.RateLimitMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Who may stream an upload right now on this node. Each user has at most {@code perUser} uploads
 * streaming and the node at most {@code total}; the rest wait (their request paused) in a FIFO per
 * user, and a freed slot goes to the waiting users in turn (round-robin), so a user with many
 * queued uploads cannot starve one with a single upload. A wait ends after {@code maxWait} with
 * 429; when a user's queue or the node's queue is full the upload is refused at once (429 for the
 * user's queue, 503 for the node's). Nothing here holds request bytes: waiting costs a few objects.
 */
public final class UploadSlots {

  private final Vertx vertx;
  private final int perUser;
  private final int total;
  private final int perUserWaiting;
  private final int totalWaiting;
  private final Duration maxWait;
  private final RateLimitMetrics metrics;

  private final Map<String, User> users = new HashMap<>();

  /** Users with someone waiting, in the order they get the next free slot. */
  private final LinkedHashSet<User> turn = new LinkedHashSet<>();

  private int active;
  private int waiting;

  public record Settings(
      int perUser, int total, int perUserWaiting, int totalWaiting, Duration maxWait) {}

  public UploadSlots(Vertx vertx, Settings settings, RateLimitMetrics metrics) {
    this.vertx = vertx;
    this.perUser = settings.perUser();
    this.total = settings.total();
    this.perUserWaiting = settings.perUserWaiting();
    this.totalWaiting = settings.totalWaiting();
    this.maxWait = settings.maxWait();
    this.metrics = metrics;
  }

  /** A granted slot; give it back exactly once when the upload is over, however it ended. */
  public interface Slot {
    void release();
  }

  private static final class User {
    final String id;
    int active;
    final ArrayDeque<Waiter> queue = new ArrayDeque<>();

    User(String id) {
      this.id = id;
    }
  }

  private static final class Waiter {
    final Promise<Slot> promise = Promise.promise();
    final Context context;
    long timer;

    Waiter(Context context) {
      this.context = context;
    }
  }

  /** Completes with a slot at once, or after a wait; fails with 429 or 503 as described above. */
  public Future<Slot> acquire(String userId) {
    Waiter waiter = new Waiter(vertx.getOrCreateContext());
    Slot granted = null;
    ApiException refused = null;
    synchronized (this) {
      User user = users.computeIfAbsent(userId, User::new);
      if (user.queue.isEmpty() && user.active < perUser && active < total) {
        granted = grant(user);
      } else if (user.queue.size() >= perUserWaiting) {
        refused =
            ApiException.tooManyRequests(
                "upload-queue-full",
                "already "
                    + user.active
                    + " uploads streaming and "
                    + user.queue.size()
                    + " waiting for this user; retry after one has finished",
                retryAfterSeconds());
      } else if (waiting >= totalWaiting) {
        refused =
            ApiException.unavailable(
                "upload-queue-full",
                "the server has " + waiting + " uploads waiting already; retry later",
                retryAfterSeconds());
      } else {
        user.queue.add(waiter);
        turn.add(user);
        waiting++;
        waiter.timer = vertx.setTimer(maxWait.toMillis(), t -> expire(user, waiter));
      }
      if (user.active == 0 && user.queue.isEmpty() && granted == null) {
        users.remove(userId);
      }
    }
    if (granted != null) {
      return Future.succeededFuture(granted);
    }
    if (refused != null) {
      metrics.rejected("upload-queue-full");
      return Future.failedFuture(refused);
    }
    return waiter.promise.future();
  }

  private long retryAfterSeconds() {
    return Math.max(1, maxWait.toSeconds());
  }

  /** Called under the lock. */
  private Slot grant(User user) {
    user.active++;
    active++;
    boolean[] released = {false};
    return () -> {
      synchronized (this) {
        if (released[0]) {
          return;
        }
        released[0] = true;
      }
      release(user);
    };
  }

  private void release(User user) {
    List<Runnable> wakeups = new ArrayList<>();
    synchronized (this) {
      user.active--;
      active--;
      dispatch(wakeups);
      if (user.active == 0 && user.queue.isEmpty()) {
        users.remove(user.id, user);
      }
    }
    wakeups.forEach(Runnable::run);
  }

  /** Hands free slots to waiting users in turn. Called under the lock; wakes up after it. */
  private void dispatch(List<Runnable> wakeups) {
    while (active < total) {
      User next = nextInTurn();
      if (next == null) {
        return;
      }
      Waiter waiter = next.queue.poll();
      waiting--;
      // to the back of the line: the next free slot goes to another waiting user first
      turn.remove(next);
      if (!next.queue.isEmpty()) {
        turn.add(next);
      }
      Slot slot = grant(next);
      vertx.cancelTimer(waiter.timer);
      wakeups.add(() -> waiter.context.runOnContext(v -> waiter.promise.complete(slot)));
    }
  }

  /** The first waiting user, in turn order, who is below their own cap. */
  private User nextInTurn() {
    for (User user : turn) {
      if (user.active < perUser) {
        return user;
      }
    }
    return null;
  }

  private void expire(User user, Waiter waiter) {
    synchronized (this) {
      if (!user.queue.remove(waiter)) {
        return;
      }
      waiting--;
      if (user.queue.isEmpty()) {
        turn.remove(user);
        if (user.active == 0) {
          users.remove(user.id, user);
        }
      }
    }
    metrics.rejected("upload-queue-timeout");
    waiter.context.runOnContext(
        v ->
            waiter.promise.fail(
                ApiException.tooManyRequests(
                    "upload-queue-timeout",
                    "waited "
                        + maxWait.toSeconds()
                        + " s for an upload slot: this user has "
                        + perUser
                        + " uploads streaming; retry later",
                    retryAfterSeconds())));
  }

  /** Uploads waiting for a slot now. */
  public synchronized int waiting() {
    return waiting;
  }

  /** Uploads streaming now. */
  public synchronized int active() {
    return active;
  }
}
