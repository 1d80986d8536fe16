package io.ironsync.metadata.impl;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.FileMeta;
import io.ironsync.metadata.DeleteRequest;
import io.ironsync.metadata.DeleteResult;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * Deletes a live file in one transaction of three statements: take the user's next journal seq
 * (which locks the user), read the head, then write a tombstone revision, mark the head deleted,
 * release its size from the user's storage usage, mark the replaced revision superseded and append
 * the journal row in one statement. Earlier versions and their blobs stay for restores; they do not
 * count towards usage.
 */
public final class DeleteTransaction {

  private static final String WRITE =
      """
      with version as (
        insert into versions (user_id, path, rev, device_id, modified, deleted)
        values ($1, $2, $3, $4, $5, true)
      ), superseded as (
        update versions set superseded = true
        where user_id = $1 and path = $2 and rev = $8
      ), head as (
        update files
        set rev = $3, deleted = true, size = null, sha256 = null, etag = null, blob_id = null,
            device_id = $4, modified = $5, seq = $6
        where user_id = $1 and path = $2
      ), usage as (
        update users set used_bytes = used_bytes - $7 where id = $1
      )
      insert into journal (user_id, seq, op, path, rev, device_id, ts)
      values ($1, $6, 'delete', $2, $3, $4, $5)
      """;

  private final Pool pool;
  private final UserWriteQueue queue;

  public DeleteTransaction(Pool pool, UserWriteQueue queue) {
    this.pool = pool;
    this.queue = queue;
  }

  public Future<DeleteResult> delete(DeleteRequest request) {
    Requests.check(request);
    return queue.enqueue(
        request.caller().userId(), () -> pool.withTransaction(conn -> attempt(conn, request)));
  }

  private Future<DeleteResult> attempt(SqlConnection conn, DeleteRequest request) {
    String userId = request.caller().userId();
    String path = request.path().value();
    return JournalSequence.next(conn, userId)
        .compose(
            tick ->
                Heads.read(conn, userId, List.of(path))
                    .compose(heads -> decideAndWrite(conn, request, heads.get(path), tick)));
  }

  private Future<DeleteResult> decideAndWrite(
      SqlConnection conn, DeleteRequest request, Head head, JournalSequence.Tick tick) {
    String path = request.path().value();
    FileMeta live = head != null && head.isLiveFile() ? head.meta() : null;
    Preconditions.check(request.precondition(), path, live);
    if (head != null && head.folder()) {
      throw ApiException.conflict(
          "path-is-folder", "'" + path + "' is a folder; only files can be deleted");
    }
    if (live == null) {
      throw ApiException.notFound("there is no file at '" + path + "'");
    }
    long rev = head.nextRev();
    Tuple parameters =
        Tuple.of(
            request.caller().userId(),
            path,
            rev,
            request.caller().deviceId(),
            tick.at(),
            tick.seq(),
            live.size(),
            live.rev());
    return conn.preparedQuery(WRITE)
        .execute(parameters)
        .map(done -> new DeleteResult(rev, tick.seq(), tick.at().toInstant()));
  }
}
