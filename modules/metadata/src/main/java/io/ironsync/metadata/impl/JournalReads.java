package io.ironsync.metadata.impl;

import io.ironsync.domain.ApiException;
import io.ironsync.metadata.Change;
import io.ironsync.metadata.ChangesPage;
import io.ironsync.metadata.ChangesRequest;
import io.ironsync.metadata.SnapshotPage;
import io.ironsync.metadata.SnapshotRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * What devices sync from: pages of a user's journal, and the full listing of live files a device
 * starts from. Each is one statement, so the head seq it reports belongs to the same snapshot as
 * the rows; the journal page is one range scan of the journal's primary key.
 */
public final class JournalReads {

  // the outer row always exists, so an empty page still reports the head and floor
  private static final String CHANGES =
      """
      select u.head, u.floor, j.seq, j.op, j.path, j.from_path, j.rev, j.size, j.sha256, j.etag,
             j.device_id, j.ts, j.conflict_of
      from (select coalesce(max(journal_seq), 0) as head, coalesce(max(journal_floor), 0) as floor
            from users where id = $1) as u
      left join lateral (
        select * from journal where user_id = $1 and seq > $2 order by seq limit $3
      ) as j on true
      order by j.seq
      """;

  private static final String SNAPSHOT =
      """
      select u.head, f.seq, f.path, f.rev, f.size, f.sha256, f.etag, f.device_id, f.modified
      from (select coalesce(max(journal_seq), 0) as head from users where id = $1) as u
      left join lateral (
        select seq, path, rev, size, sha256, etag, device_id, modified
        from files
        where user_id = $1 and path > $2 and kind = 'file' and not deleted
        order by path limit $3
      ) as f on true
      order by f.path
      """;

  private final Pool pool;

  public JournalReads(Pool pool) {
    this.pool = pool;
  }

  public Future<ChangesPage> changes(ChangesRequest request) {
    Requests.check(request);
    return pool.preparedQuery(CHANGES)
        .execute(Tuple.of(request.userId(), request.afterSeq(), request.limit()))
        .map(rows -> toPage(request, rows));
  }

  public Future<SnapshotPage> snapshot(SnapshotRequest request) {
    Requests.check(request);
    // one row more than asked tells whether another page follows
    return pool.preparedQuery(SNAPSHOT)
        .execute(Tuple.of(request.userId(), request.afterPath(), request.limit() + 1))
        .map(rows -> toSnapshot(request, rows));
  }

  private static ChangesPage toPage(ChangesRequest request, RowSet<Row> rows) {
    long head = 0;
    long floor = 0;
    List<Change> changes = new ArrayList<>(rows.size());
    for (Row row : rows) {
      head = row.getLong("head");
      floor = row.getLong("floor");
      if (row.getLong("seq") != null) {
        changes.add(change(row));
      }
    }
    if (request.afterSeq() == ChangesRequest.NO_POSITION) {
      return new ChangesPage(List.of(), head, floor);
    }
    if (request.afterSeq() < floor) {
      throw ApiException.gone(
          "cursor-expired",
          "changes after "
              + request.afterSeq()
              + " are no longer kept; list the current state again",
          new JsonObject().put("reset", true));
    }
    if (request.afterSeq() > head) {
      // only a journal restored from an older backup goes backwards
      throw ApiException.gone(
          "cursor-ahead",
          "the cursor is ahead of the journal, which was restored from an earlier state;"
              + " list the current state again",
          new JsonObject().put("reset", true));
    }
    return new ChangesPage(List.copyOf(changes), head, floor);
  }

  private static SnapshotPage toSnapshot(SnapshotRequest request, RowSet<Row> rows) {
    long head = 0;
    List<Change> files = new ArrayList<>(Math.min(rows.size(), request.limit()));
    boolean more = false;
    for (Row row : rows) {
      head = row.getLong("head");
      if (row.getString("path") == null) {
        continue;
      }
      if (files.size() == request.limit()) {
        more = true;
        break;
      }
      files.add(
          new Change(
              row.getLong("seq"),
              Change.Op.PUT,
              row.getString("path"),
              null,
              row.getLong("rev"),
              row.getLong("size"),
              Columns.hex(row.getBuffer("sha256")),
              row.getString("etag"),
              row.getString("device_id"),
              row.getOffsetDateTime("modified").toInstant(),
              null));
    }
    return new SnapshotPage(List.copyOf(files), more, head);
  }

  private static Change change(Row row) {
    Long size = row.getLong("size");
    return new Change(
        row.getLong("seq"),
        Change.Op.fromWire(row.getString("op")),
        row.getString("path"),
        row.getString("from_path"),
        row.getLong("rev"),
        size,
        size == null ? null : Columns.hex(row.getBuffer("sha256")),
        row.getString("etag"),
        row.getString("device_id"),
        row.getOffsetDateTime("ts").toInstant(),
        row.getString("conflict_of"));
  }
}
