package io.ironsync.metadata.impl;

import io.ironsync.metadata.RetentionSweepRequest;
import io.ironsync.metadata.RetentionSweepResult;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One bounded step of retention over all users, in one transaction of four statements: remove old
 * superseded versions, lock the blobs they referred to, delete those of them nothing refers to any
 * more (returning their storage keys), and prune old journal rows while raising each user's floor.
 *
 * <p>It never waits on a user's write for long and never deadlocks with one: versions and users are
 * taken with SKIP LOCKED (a row a write holds is left for a later step), and the only wait is for a
 * blob that a write is about to refer to, which that write holds without waiting on this. Heads are
 * never touched, so revision numbers keep increasing after their history is gone.
 */
public final class RetentionSweep {

  private static final String REMOVE_VERSIONS =
      """
      with doomed as (
        select user_id, path, rev from versions
        where superseded and modified < $1
        order by modified
        limit $2
        for update skip locked
      )
      delete from versions v
      using doomed d
      where v.user_id = d.user_id and v.path = d.path and v.rev = d.rev
      returning v.blob_id
      """;

  // Anything that adds a reference to a blob holds a key-share lock on it until it commits, so
  // once these locks are granted no new reference can appear, and the next statement, with a
  // snapshot taken after the wait, sees every reference there is.
  private static final String LOCK_BLOBS =
      "select id from blobs where id = any($1::bigint[]) order by id for update";

  private static final String DELETE_UNREFERENCED_BLOBS =
      """
      delete from blobs b
      where b.id = any($1::bigint[])
        and not exists (select 1 from versions v where v.blob_id = b.id)
        and not exists (select 1 from files f where f.blob_id = b.id)
      returning b.storage_key
      """;

  // Oldest first across users. A user's journal times follow its seqs, so what goes of each
  // user's journal is a prefix, and the floor is the highest seq pruned. A user whose write is in
  // flight keeps their rows until a later step.
  private static final String PRUNE_JOURNAL =
      """
      with candidate as materialized (
        select user_id, seq from journal
        where ts < $1
        order by ts, user_id, seq
        limit $2
      ), lockable as materialized (
        select id from users
        where id in (select user_id from candidate)
        order by id
        for update skip locked
      ), pruned as (
        delete from journal j
        using candidate c
        where j.user_id = c.user_id and j.seq = c.seq and c.user_id in (select id from lockable)
        returning j.user_id, j.seq
      ), raised_floor as (
        update users u set journal_floor = greatest(u.journal_floor, p.seq)
        from (select user_id, max(seq) as seq from pruned group by user_id) p
        where u.id = p.user_id
      )
      select count(*) as pruned from pruned
      """;

  private final Pool pool;

  public RetentionSweep(Pool pool) {
    this.pool = pool;
  }

  public Future<RetentionSweepResult> sweep(RetentionSweepRequest request) {
    Requests.check(request);
    return pool.withTransaction(conn -> step(conn, request));
  }

  private Future<RetentionSweepResult> step(SqlConnection conn, RetentionSweepRequest request) {
    return conn.preparedQuery(REMOVE_VERSIONS)
        .execute(Tuple.of(request.versionsOlderThan().atOffset(ZoneOffset.UTC), request.maxRows()))
        .compose(
            removed -> {
              Set<Long> blobIds = new LinkedHashSet<>();
              for (Row row : removed) {
                Long blobId = row.getLong("blob_id");
                if (blobId != null) {
                  blobIds.add(blobId);
                }
              }
              long versionsRemoved = removed.size();
              return deleteUnreferenced(conn, blobIds)
                  .compose(
                      keys ->
                          conn.preparedQuery(PRUNE_JOURNAL)
                              .execute(
                                  Tuple.of(
                                      request.journalOlderThan().atOffset(ZoneOffset.UTC),
                                      request.maxRows()))
                              .map(
                                  rows -> {
                                    long pruned = rows.iterator().next().getLong("pruned");
                                    boolean more =
                                        versionsRemoved == request.maxRows()
                                            || pruned == request.maxRows();
                                    return new RetentionSweepResult(
                                        keys, versionsRemoved, pruned, more);
                                  }));
            });
  }

  private static Future<List<String>> deleteUnreferenced(SqlConnection conn, Set<Long> blobIds) {
    if (blobIds.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    Tuple ids = Tuple.tuple().addArrayOfLong(blobIds.toArray(Long[]::new));
    return conn.preparedQuery(LOCK_BLOBS)
        .execute(ids)
        .compose(locked -> conn.preparedQuery(DELETE_UNREFERENCED_BLOBS).execute(ids))
        .map(
            rows -> {
              List<String> keys = new ArrayList<>(rows.size());
              for (Row row : rows) {
                keys.add(row.getString("storage_key"));
              }
              return keys;
            });
  }
}
