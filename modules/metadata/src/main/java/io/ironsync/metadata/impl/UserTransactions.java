package io.ironsync.metadata.impl;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.function.Function;

/**
 * Runs one write of a user as one transaction, behind the user's earlier writes on this verticle
 * instance. A write that decides to change nothing ends in {@link #nothingWritten}: the transaction
 * rolls back, which gives back the journal seq it took, and the caller still gets its answer.
 */
final class UserTransactions {

  private final Pool pool;
  private final UserWriteQueue queue;

  UserTransactions(Pool pool, UserWriteQueue queue) {
    this.pool = pool;
    this.queue = queue;
  }

  <T> Future<T> run(String userId, Function<SqlConnection, Future<T>> write) {
    return queue
        .enqueue(userId, () -> pool.withTransaction(write))
        .recover(
            failure ->
                failure instanceof NothingWritten nothing
                    ? Future.succeededFuture(nothing.<T>result())
                    : Future.failedFuture(failure));
  }

  /** Ends the transaction without a change, answering {@code result}. */
  static <T> Future<T> nothingWritten(T result) {
    return Future.failedFuture(new NothingWritten(result));
  }

  /** Not an error, but the transaction must roll back; no stack trace, it is an answer. */
  private static final class NothingWritten extends RuntimeException {
    private final transient Object result;

    NothingWritten(Object result) {
      super("nothing written", null, false, false);
      this.result = result;
    }

    @SuppressWarnings("unchecked")
    <T> T result() {
      return (T) result;
    }
  }
}
