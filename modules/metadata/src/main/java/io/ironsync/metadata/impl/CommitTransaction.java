package io.ironsync.metadata.impl;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.FileMeta;
import io.ironsync.domain.FilePath;
import io.ironsync.metadata.CommitRequest;
import io.ironsync.metadata.CommitResult;
import io.ironsync.metadata.CommitResult.Outcome;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Records a new revision of a file in one transaction of three statements: take the user's next
 * journal seq (which locks the user and reads their storage usage), read the heads of the path and
 * its ancestors, then, when the preconditions and the quota allow, write the blob, version, head,
 * missing ancestor folders, new usage and journal row in one statement.
 */
public final class CommitTransaction {

  // Data-modifying CTEs all run exactly once, in one round trip; the foreign keys to the new blob
  // are checked at the end of the statement, when it exists. A tombstoned file at an ancestor path
  // becomes a folder; live files there were rejected before.
  private static final String WRITE =
      """
      with blob as (
        insert into blobs (user_id, storage_key, size, sha256, created_at)
        values ($1, $3, $4, $5, $8)
        returning id
      ), version as (
        insert into versions (user_id, path, rev, blob_id, size, sha256, etag, device_id, modified)
        values ($1, $2, $6, (select id from blob), $4, $5, $7, $9, $8)
      ), head as (
        insert into files (user_id, path, parent, name, kind, rev, deleted, size, sha256, etag,
                           device_id, modified, blob_id, seq)
        values ($1, $2, $10, $11, 'file', $6, false, $4, $5, $7, $9, $8, (select id from blob), $15)
        on conflict (user_id, path) do update
        set kind = 'file', rev = excluded.rev, deleted = false, size = excluded.size,
            sha256 = excluded.sha256, etag = excluded.etag, device_id = excluded.device_id,
            modified = excluded.modified, blob_id = excluded.blob_id, seq = excluded.seq
      ), folders as (
        insert into files as existing (user_id, path, parent, name, kind, modified)
        select $1, folder.path, folder.parent, folder.name, 'folder', $8
        from unnest($12::text[], $13::text[], $14::text[]) as folder (path, parent, name)
        on conflict (user_id, path) do update
        set kind = 'folder', deleted = false, device_id = null, modified = excluded.modified
        where existing.kind = 'file' and existing.deleted
      ), usage as (
        update users set used_bytes = used_bytes + $16 where id = $1
      )
      insert into journal (user_id, seq, op, path, rev, size, sha256, etag, device_id, ts)
      values ($1, $15, 'put', $2, $6, $4, $5, $7, $9, $8)
      """;

  private final Pool pool;
  private final UserWriteQueue queue;

  public CommitTransaction(Pool pool, UserWriteQueue queue) {
    this.pool = pool;
    this.queue = queue;
  }

  public Future<CommitResult> commit(CommitRequest request) {
    Requests.check(request);
    return queue
        .enqueue(
            request.caller().userId(), () -> pool.withTransaction(conn -> attempt(conn, request)))
        .recover(
            err ->
                err instanceof Unchanged unchanged
                    ? Future.succeededFuture(unchanged.result)
                    : Future.failedFuture(err));
  }

  private Future<CommitResult> attempt(SqlConnection conn, CommitRequest request) {
    String userId = request.caller().userId();
    List<String> paths = new ArrayList<>();
    paths.add(request.path().value());
    request.path().ancestors().forEach(folder -> paths.add(folder.value()));
    return JournalSequence.next(conn, userId)
        .compose(
            tick ->
                Heads.read(conn, userId, paths)
                    .compose(heads -> decideAndWrite(conn, request, heads, tick)));
  }

  private Future<CommitResult> decideAndWrite(
      SqlConnection conn,
      CommitRequest request,
      Map<String, Head> heads,
      JournalSequence.Tick tick) {
    FilePath path = request.path();
    String sha256 = Requests.sha256(request);
    Head head = heads.get(path.value());
    FileMeta live = head != null && head.isLiveFile() ? head.meta() : null;
    Preconditions.check(request.precondition(), path.value(), live);
    if (live != null && live.sha256().equals(sha256)) {
      // rolling back returns the journal seq this transaction took
      return Future.failedFuture(new Unchanged(new CommitResult(Outcome.UNCHANGED, live, 0)));
    }
    if (head != null && head.folder()) {
      throw ApiException.conflict("path-is-folder", "'" + path + "' is a folder");
    }
    for (FilePath folder : path.ancestors()) {
      Head above = heads.get(folder.value());
      if (above != null && above.isLiveFile()) {
        throw ApiException.conflict(
            "parent-is-file", "'" + folder + "' is a file, so '" + path + "' cannot be created");
      }
    }
    long rev = head == null ? 1 : head.nextRev();
    FileMeta meta =
        new FileMeta(
            path.value(),
            rev,
            request.size(),
            sha256,
            Columns.etag(rev, sha256),
            tick.at().toInstant(),
            request.caller().deviceId());
    // a tombstone's size left usage when it was deleted, so only a live head's size is replaced
    long usageDelta = request.size() - (live == null ? 0 : live.size());
    Quotas.check(request, tick.usedBytes(), usageDelta);
    Outcome outcome = live == null ? Outcome.CREATED : Outcome.UPDATED;
    return conn.preparedQuery(WRITE)
        .execute(writeParameters(request, meta, tick, usageDelta))
        .map(done -> new CommitResult(outcome, meta, tick.seq()));
  }

  private static Tuple writeParameters(
      CommitRequest request, FileMeta meta, JournalSequence.Tick tick, long usageDelta) {
    List<FilePath> folders = request.path().ancestors();
    return Tuple.tuple()
        .addString(request.caller().userId())
        .addString(meta.path())
        .addString(request.blobKey())
        .addLong(meta.size())
        .addBuffer(Columns.bytes(meta.sha256()))
        .addLong(meta.rev())
        .addString(meta.etag())
        .addOffsetDateTime(tick.at())
        .addString(meta.deviceId())
        .addString(request.path().parent().value())
        .addString(request.path().name())
        .addArrayOfString(folders.stream().map(FilePath::value).toArray(String[]::new))
        .addArrayOfString(
            folders.stream().map(folder -> folder.parent().value()).toArray(String[]::new))
        .addArrayOfString(folders.stream().map(FilePath::name).toArray(String[]::new))
        .addLong(tick.seq())
        .addLong(usageDelta);
  }

  /** Identical content: not an error, but the transaction must roll back. */
  private static final class Unchanged extends RuntimeException {
    private final transient CommitResult result;

    Unchanged(CommitResult result) {
      super("unchanged", null, false, false);
      this.result = result;
    }
  }
}
