package io.ironsync.metadata.impl;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a read that may lag to the read replica and, when the replica cannot answer (down,
 * unreachable, its pool exhausted, a query cancelled by a conflict with recovery, or no answer
 * within the deadline because it hangs), runs it on the primary instead: a replica is there to take
 * load off the primary, never to take reads down with it. After such a failure the replica is left
 * alone for a while, so a dead or hung replica costs one slow read, not a slow read each. Answers
 * that are the request's own outcome (a 4xx such as an expired cursor) are passed on as they are.
 *
 * <p>One instance belongs to one verticle and is used on its event loop only.
 */
public final class ReplicaReads {

  private static final Logger log = LoggerFactory.getLogger(ReplicaReads.class);

  private final Pool replica;
  private final Pool primary;
  private final long deadlineMillis;
  private final long restNanos;
  private long avoidUntil;
  private boolean avoiding;

  /**
   * {@code replica} may be null: then every read goes to the primary. A replica read that has not
   * answered after {@code deadline} is given up for the primary, and after any replica failure the
   * primary serves every read for {@code rest}.
   */
  public ReplicaReads(Pool replica, Pool primary, Duration deadline, Duration rest) {
    this.replica = replica;
    this.primary = primary;
    this.deadlineMillis = deadline.toMillis();
    this.restNanos = rest.toNanos();
  }

  /** Runs {@code read} on the replica when there is a healthy one, else on the primary. */
  public <R> Future<R> read(Function<Pool, Future<R>> read) {
    if (replica == null || (avoiding && System.nanoTime() - avoidUntil < 0)) {
      return run(read, primary);
    }
    return run(read, replica)
        .timeout(deadlineMillis, TimeUnit.MILLISECONDS)
        .andThen(
            answered -> {
              if (answered.succeeded() && avoiding) {
                avoiding = false;
                log.info("the read replica answers again");
              }
            })
        .recover(
            failure -> {
              if (!Failures.isDatabaseTrouble(failure)) {
                return Future.failedFuture(failure);
              }
              if (!avoiding) {
                log.warn(
                    "the read replica failed, reading from the primary for the next {} ms: {}",
                    TimeUnit.NANOSECONDS.toMillis(restNanos),
                    failure.toString());
              }
              avoiding = true;
              avoidUntil = System.nanoTime() + restNanos;
              return run(read, primary);
            });
  }

  /** Turns a reader that throws before its first query into a failed future. */
  private static <R> Future<R> run(Function<Pool, Future<R>> read, Pool pool) {
    try {
      return read.apply(pool);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
