package io.ironsync.storage;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of upload data a node may hold in memory at once, over all uploads. A sink reserves a
 * whole buffer before filling it and gives it back when the buffer is gone; when the budget is
 * spent, reservations wait in FIFO order and the uploads that need them stay paused, so a slow
 * store makes the node read more slowly instead of buffering more.
 *
 * <p>No deadlock: a reservation covers a whole buffer, so every holder can finish its buffer with
 * the client's bytes alone and then hand it to the store, which releases it.
 */
public final class BufferBudget {

  private final long limit;
  private long reserved;
  private final ArrayDeque<Request> queue = new ArrayDeque<>();

  private record Request(long bytes, Context context, Promise<Void> promise) {}

  public BufferBudget(long limitBytes) {
    if (limitBytes <= 0) {
      throw new IllegalArgumentException("a buffer budget must be positive");
    }
    this.limit = limitBytes;
  }

  /**
   * Reserves {@code bytes}: completed at once when the budget allows (and nobody waits before),
   * otherwise later on the caller's context. A reservation larger than the whole budget is granted
   * when nothing else is reserved.
   */
  public Future<Void> reserve(long bytes) {
    synchronized (this) {
      if (queue.isEmpty() && fits(bytes)) {
        reserved += bytes;
        return Future.succeededFuture();
      }
      Context context = Vertx.currentContext();
      Request request = new Request(bytes, context, Promise.promise());
      queue.add(request);
      return request.promise.future();
    }
  }

  /** Gives back a reservation and lets waiting reservations in, in order. */
  public void release(long bytes) {
    List<Request> granted = new ArrayList<>();
    synchronized (this) {
      reserved = Math.max(0, reserved - bytes);
      while (!queue.isEmpty() && fits(queue.peek().bytes())) {
        Request next = queue.poll();
        reserved += next.bytes();
        granted.add(next);
      }
    }
    for (Request request : granted) {
      if (request.context() != null) {
        request.context().runOnContext(v -> request.promise().complete());
      } else {
        request.promise().complete();
      }
    }
  }

  private boolean fits(long bytes) {
    return reserved + bytes <= limit || reserved == 0;
  }

  /** Bytes reserved now. */
  public synchronized long reserved() {
    return reserved;
  }

  /** Reservations waiting now. */
  public synchronized int waiting() {
    return queue.size();
  }

  public long limit() {
    return limit;
  }
}
