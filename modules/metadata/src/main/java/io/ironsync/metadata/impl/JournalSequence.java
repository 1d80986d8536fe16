package io.ironsync.metadata.impl;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;

/**
 * The first statement of every write: takes the user's next journal seq. The row lock it holds
 * until the transaction ends serialises the user's writes, and a rollback gives the number back, so
 * the sequence stays gapless. Under that lock the user's storage usage cannot change until this
 * transaction ends, so a quota check against it holds for the write that follows.
 */
final class JournalSequence {

  // clock_timestamp(), not now(): it is read after the lock is granted, so timestamps follow seq
  // order even when a transaction began before the one it waited for committed
  private static final String NEXT =
      "insert into users (id, journal_seq) values ($1, 1)"
          + " on conflict (id) do update set journal_seq = users.journal_seq + 1"
          + " returning journal_seq, used_bytes, clock_timestamp() as at";

  /**
   * @param seq this write's journal sequence number
   * @param at the time the write is recorded with
   * @param usedBytes the user's storage usage before this write
   */
  record Tick(long seq, OffsetDateTime at, long usedBytes) {}

  private JournalSequence() {}

  static Future<Tick> next(SqlConnection conn, String userId) {
    return conn.preparedQuery(NEXT)
        .execute(Tuple.of(userId))
        .map(
            rows -> {
              Row row = rows.iterator().next();
              return new Tick(
                  row.getLong("journal_seq"),
                  row.getOffsetDateTime("at"),
                  row.getLong("used_bytes"));
            });
  }
}
