package io.ironsync.metadata.impl;

import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs each user's writes one after another on this verticle instance. PostgreSQL serialises them
 * anyway (the journal-seq row lock); queueing them here first means a user firing many writes at
 * once holds one pooled connection instead of filling the pool with connections that wait on that
 * lock while other users' work queues behind them.
 *
 * <p>Confined to the owning verticle's event loop: the bus delivers requests there and the pool
 * completes the futures there.
 */
public final class UserWriteQueue {

  private final Map<String, Future<?>> lastWriteByUser = new HashMap<>();

  /** Starts {@code write} once the user's previous write, if any, has finished either way. */
  public <T> Future<T> enqueue(String userId, Supplier<Future<T>> write) {
    Future<?> previous = lastWriteByUser.get(userId);
    Future<T> result =
        previous == null ? start(write) : previous.transform(finished -> start(write));
    lastWriteByUser.put(userId, result);
    result.onComplete(finished -> lastWriteByUser.remove(userId, result));
    return result;
  }

  private static <T> Future<T> start(Supplier<Future<T>> write) {
    try {
      return write.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
