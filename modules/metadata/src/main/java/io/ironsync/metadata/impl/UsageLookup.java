package io.ironsync.metadata.impl;

import io.ironsync.metadata.UsageQuery;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.Tuple;

/**
 * Reads a user's storage usage, which every commit and delete keeps current. It reads the last
 * committed value without taking the user's lock, so it never waits behind the user's writes.
 */
public final class UsageLookup {

  private static final String SELECT = "select used_bytes from users where id = $1";

  private final Pool pool;

  public UsageLookup(Pool pool) {
    this.pool = pool;
  }

  /** 0 for a user without a row: one who never wrote stores nothing. */
  public Future<Long> usedBytes(UsageQuery query) {
    Requests.check(query);
    return pool.preparedQuery(SELECT)
        .execute(Tuple.of(query.userId()))
        .map(
            rows -> {
              RowIterator<Row> iterator = rows.iterator();
              return iterator.hasNext() ? iterator.next().getLong("used_bytes") : 0L;
            });
  }
}
