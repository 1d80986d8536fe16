package io.ironsync.ratelimit.impl;

import io.ironsync.ratelimit.BucketSpec;
import io.ironsync.ratelimit.Grant;
import io.ironsync.ratelimit.TokenSource;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One user's tokens of one kind on this node: a pool leased from a {@link TokenSource} in batches,
 * so the source (possibly Redis) is asked once per lease, never per chunk.
 *
 * <p>Byte streams pay after the fact: a chunk that arrived is passed on and charged, and the pool
 * may go into debt. While in debt the streams that want to go on wait (paused), and one refill at a
 * time asks the source for the debt plus a lease; when the source has too little it says how long
 * to wait, and one timer per meter (not per stream) waits that long. So a user's streams together
 * never get more than the bucket grants, plus at most one chunk each.
 *
 * <p>Shared by the event loops of the node: state changes under the meter's lock, and waiters are
 * resumed on their own context.
 */
public final class Meter {

  private static final long MIN_TIMER_MS = 1;

  private final Vertx vertx;
  private final TokenSource source;
  private final String key;
  private final BucketSpec spec;
  private final long lease;
  private long pool;
  private boolean refilling;
  private List<Waiter> waiters = new ArrayList<>();
  private long lastUsed;

  public Meter(Vertx vertx, TokenSource source, String key, BucketSpec spec, long lease) {
    this.vertx = vertx;
    this.source = source;
    this.key = key;
    this.spec = spec;
    this.lease = Math.max(1, Math.min(lease, spec.burst()));
    this.lastUsed = System.nanoTime();
  }

  /** Someone to resume once the meter is out of debt. */
  public record Waiter(Context context, Runnable resume) {}

  /**
   * Charges {@code amount} tokens that were already used. Returns true when the meter is not in
   * debt afterwards; otherwise {@code waiter} will be resumed (on its context, never from within
   * this call) once the debt is paid.
   */
  public boolean charge(long amount, Waiter waiter) {
    synchronized (this) {
      lastUsed = System.nanoTime();
      pool -= amount;
      if (pool >= 0) {
        return true;
      }
      waiters.add(waiter);
      if (refilling) {
        return false;
      }
      refilling = true;
    }
    refill();
    return false;
  }

  /**
   * Takes one token now if the pool has one. Returns 0 when taken, otherwise how many nanoseconds
   * until the bucket could grant one (after asking the source for a lease).
   */
  public Future<Long> takeOne() {
    synchronized (this) {
      lastUsed = System.nanoTime();
      if (pool >= 1) {
        pool--;
        return Future.succeededFuture(0L);
      }
    }
    return source
        .take(key, spec, lease)
        .map(
            grant -> {
              synchronized (this) {
                pool += grant.granted();
                if (pool >= 1) {
                  pool--;
                  return 0L;
                }
                return Math.max(1, grant.waitNanos());
              }
            });
  }

  /** True when nothing waits and the meter was not used for {@code idleNanos}. */
  public synchronized boolean isIdle(long now, long idleNanos) {
    return waiters.isEmpty() && !refilling && now - lastUsed > idleNanos;
  }

  private void refill() {
    long wanted;
    synchronized (this) {
      wanted = -pool + lease;
    }
    source.take(key, spec, wanted).onComplete(ar -> settle(ar.succeeded() ? ar.result() : null));
  }

  private void settle(Grant grant) {
    List<Waiter> ready;
    long waitNanos;
    synchronized (this) {
      if (grant != null) {
        pool += grant.granted();
      }
      if (pool >= 0) {
        ready = waiters;
        waiters = new ArrayList<>();
        refilling = false;
        waitNanos = 0;
      } else {
        ready = List.of();
        waitNanos = grant == null ? spec.nanosFor(-pool) : Math.max(grant.waitNanos(), 1);
      }
    }
    for (Waiter waiter : ready) {
      waiter.context().runOnContext(v -> waiter.resume().run());
    }
    if (waitNanos > 0) {
      long ms = Math.max(MIN_TIMER_MS, TimeUnit.NANOSECONDS.toMillis(waitNanos + 999_999));
      vertx.setTimer(ms, t -> refill());
    }
  }
}
