package io.ironsync.upload;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Uploads being handled on this node, shared by all edge verticle instances, so shutdown can wait
 * for them: a finished upload has either committed or cleaned up its blob.
 */
public final class InFlightUploads {

  private final Set<Future<?>> active = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean draining = new AtomicBoolean();

  public void track(Future<?> upload) {
    active.add(upload);
    upload.onComplete(done -> active.remove(upload));
  }

  public int count() {
    return active.size();
  }

  /** Marks the node as shutting down; uploads cut off from now on count as shutdown aborts. */
  public void startDraining() {
    draining.set(true);
  }

  public boolean isDraining() {
    return draining.get();
  }

  /** Completes when every tracked upload finished, or when the timeout passed. */
  public Future<Void> awaitIdle(Vertx vertx, Duration timeout) {
    Promise<Void> idle = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, timeout.toMillis()), t -> idle.tryComplete());
    awaitAll(idle);
    return idle.future().onComplete(done -> vertx.cancelTimer(timer));
  }

  private void awaitAll(Promise<Void> idle) {
    if (idle.future().isComplete()) {
      return;
    }
    if (active.isEmpty()) {
      idle.tryComplete();
      return;
    }
    // uploads started while waiting are caught by the next round
    Future.join(List.copyOf(active)).onComplete(round -> awaitAll(idle));
  }
}
