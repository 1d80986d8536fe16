package io.ironsync.metadata.impl;

import io.ironsync.domain.ApiException;
import io.ironsync.observability.MetadataMetrics;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a read that may lag to the read replica, and to the primary instead when the replica's
 * answer cannot be used:
 *
 * <ul>
 *   <li>the replica failed: down, unreachable, its pool exhausted, a query cancelled by a conflict
 *       with recovery, or no answer within the deadline because it hangs;
 *   <li>the replica is behind the position the caller already holds (its cursor came from the
 *       primary or from a replica further ahead), which the read's {@code current} test or a {@code
 *       cursor-ahead} answer shows. Such a read must never go back in time.
 * </ul>
 *
 * After a failure the primary serves every read for a rest period; then a single read probes the
 * replica while the others stay on the primary, and only that probe's success brings the replica
 * back. A dead or hung replica therefore costs one slow read per rest period. Other answers, such
 * as an expired cursor, are passed on as they are.
 *
 * <p>One instance belongs to one verticle and is used on its event loop only.
 */
public final class ReplicaReads {

  private static final Logger log = LoggerFactory.getLogger(ReplicaReads.class);

  private final Pool replica;
  private final Pool primary;
  private final long deadlineMillis;
  private final long restNanos;
  private final MetadataMetrics metrics;
  private boolean avoiding;
  private boolean probing;
  private long avoidUntil;

  /**
   * {@code replica} may be null: then every read goes to the primary. A replica read that has not
   * answered after {@code deadline} is given up for the primary, and after a replica failure the
   * primary serves every read for {@code rest}.
   */
  public ReplicaReads(
      Pool replica, Pool primary, Duration deadline, Duration rest, MetadataMetrics metrics) {
    this.replica = replica;
    this.primary = primary;
    this.deadlineMillis = deadline.toMillis();
    this.restNanos = rest.toNanos();
    this.metrics = metrics;
  }

  /**
   * Runs {@code read} on the replica when there is a usable one, else on the primary. An answer
   * from the replica that fails {@code current} is read again from the primary.
   */
  public <R> Future<R> read(Function<Pool, Future<R>> read, Predicate<R> current) {
    if (replica == null) {
      return run(read, primary);
    }
    boolean probe = false;
    if (avoiding) {
      if (probing || System.nanoTime() - avoidUntil < 0) {
        return run(read, primary);
      }
      probing = true;
      probe = true;
    }
    boolean isProbe = probe;
    return run(read, replica)
        .timeout(deadlineMillis, TimeUnit.MILLISECONDS)
        .transform(
            answer -> {
              if (isProbe) {
                probing = false;
              }
              if (answer.succeeded()) {
                if (isProbe) {
                  avoiding = false;
                  log.info("the read replica answers again");
                }
                if (current.test(answer.result())) {
                  return Future.succeededFuture(answer.result());
                }
                metrics.readFromPrimary(MetadataMetrics.REPLICA_BEHIND);
                return run(read, primary);
              }
              Throwable failure = answer.cause();
              if (isBehind(failure)) {
                metrics.readFromPrimary(MetadataMetrics.REPLICA_BEHIND);
                return run(read, primary);
              }
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
              metrics.readFromPrimary(MetadataMetrics.REPLICA_FAILED);
              return run(read, primary);
            });
  }

  /** A replica that has not replayed up to the caller's cursor yet says the cursor is ahead. */
  private static boolean isBehind(Throwable failure) {
    return failure instanceof ApiException api && "cursor-ahead".equals(api.key());
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
