package io.ironsync.metadata.impl;

import io.ironsync.domain.ApiException;
import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.TransactionRollbackException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/** Sorts what went wrong in a metadata operation into the answer the caller gets. */
public final class Failures {

  static final long RETRY_AFTER_SECONDS = 1;
  private static final String POOL_WAIT_TIMEOUT = "Timeout waiting for connection";

  private Failures() {}

  /**
   * True when PostgreSQL could not do the work for now (unreachable, connection lost, pool
   * exhausted, shutting down, too busy, a serialisation conflict): the caller may retry. False for
   * anything that retrying cannot fix, which is a bug.
   */
  public static boolean isDatabaseTrouble(Throwable failure) {
    if (failure instanceof PgException pg) {
      String state = pg.getSqlState() == null ? "" : pg.getSqlState();
      return state.startsWith("08") // connection exception
          || state.startsWith("53") // insufficient resources
          || state.startsWith("57") // operator intervention: shutdown, cancel, timeouts
          || state.equals("40001") // serialization failure
          || state.equals("40P01") // deadlock detected
          || state.equals("25006"); // read-only transaction: a fail-over in progress
    }
    return failure instanceof ClosedConnectionException
        || failure instanceof TransactionRollbackException
        || failure instanceof ConnectionPoolTooBusyException
        || failure instanceof IOException
        || failure instanceof TimeoutException
        // the pool's wait timeout is a plain VertxException, like parameter-encoding bugs are
        || (failure instanceof VertxException
            && String.valueOf(failure.getMessage()).startsWith(POOL_WAIT_TIMEOUT));
  }

  /**
   * True when the node itself is overloaded: so many metadata requests wait for a database
   * connection that the pool turned this one away at once. The database may be perfectly well.
   */
  public static boolean isOverload(Throwable failure) {
    return failure instanceof ConnectionPoolTooBusyException;
  }

  /** The answer for a failure that is not already an {@link ApiException}. */
  public static ApiException toApiException(Throwable failure) {
    if (failure instanceof ApiException api) {
      return api;
    }
    if (isOverload(failure)) {
      return ApiException.unavailable(
          "metadata-busy",
          "this node has too many metadata requests waiting; try again shortly",
          RETRY_AFTER_SECONDS);
    }
    if (isDatabaseTrouble(failure)) {
      return ApiException.unavailable(
          "database-unavailable",
          "the metadata database is unavailable; try again shortly",
          RETRY_AFTER_SECONDS);
    }
    return ApiException.of(
        500, "internal-error", "Internal error", "the metadata service failed unexpectedly");
  }
}
