package io.ironsync.metadata.impl;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.FileMeta;
import io.ironsync.domain.FilePath;
import io.ironsync.metadata.Change;
import io.ironsync.metadata.CommitResult;
import io.ironsync.metadata.CommitResult.Outcome;
import io.ironsync.metadata.RestoreRequest;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Makes an earlier revision's content the head again: a new revision (and a journal put) that
 * shares the old revision's blob, so no bytes are copied. Four statements: the journal seq, the
 * heads of the path and its ancestors, the revision, and the write ({@link PutWrite}).
 */
public final class RestoreTransaction {

  // FOR SHARE keeps retention from removing the revision (and so its blob) before this commits;
  // retention skips locked rows, and a revision it already removed is simply not found
  private static final String REVISION =
      "select rev, deleted, size, sha256, blob_id from versions"
          + " where user_id = $1 and path = $2 and rev = $3 for share";

  private final UserTransactions transactions;

  public RestoreTransaction(Pool pool, UserWriteQueue queue) {
    this.transactions = new UserTransactions(pool, queue);
  }

  public Future<CommitResult> restore(RestoreRequest request) {
    Requests.check(request);
    return transactions.run(request.caller().userId(), conn -> attempt(conn, request));
  }

  private Future<CommitResult> attempt(SqlConnection conn, RestoreRequest request) {
    String userId = request.caller().userId();
    String path = request.path().value();
    List<String> paths = new ArrayList<>();
    paths.add(path);
    request.path().ancestors().forEach(folder -> paths.add(folder.value()));
    return JournalSequence.next(conn, userId)
        .compose(
            tick ->
                Heads.read(conn, userId, paths)
                    .compose(
                        heads ->
                            conn.preparedQuery(REVISION)
                                .execute(Tuple.of(userId, path, request.rev()))
                                .compose(
                                    rows -> {
                                      RowIterator<Row> found = rows.iterator();
                                      Row revision = found.hasNext() ? found.next() : null;
                                      return decideAndWrite(conn, request, heads, revision, tick);
                                    })));
  }

  private Future<CommitResult> decideAndWrite(
      SqlConnection conn,
      RestoreRequest request,
      Map<String, Head> heads,
      Row revision,
      JournalSequence.Tick tick) {
    FilePath path = request.path();
    if (revision == null) {
      throw ApiException.notFound("'" + path + "' has no revision " + request.rev());
    }
    if (revision.getBoolean("deleted")) {
      throw ApiException.conflict(
          "revision-deleted",
          "revision " + request.rev() + " of '" + path + "' is a deletion; it has no content");
    }
    Placement.check(path, heads);
    Head head = heads.get(path.value());
    FileMeta live = head == null ? null : head.meta();
    String sha256 = Columns.hex(revision.getBuffer("sha256"));
    long size = revision.getLong("size");
    if (live != null && live.sha256().equals(sha256)) {
      return UserTransactions.nothingWritten(new CommitResult(Outcome.UNCHANGED, live, 0));
    }
    // every path with revisions has a head, which keeps the latest revision number
    long rev = head.nextRev();
    FileMeta meta =
        new FileMeta(
            path.value(),
            rev,
            size,
            sha256,
            Columns.etag(rev, sha256),
            tick.at().toInstant(),
            request.caller().deviceId());
    long usageDelta = size - (live == null ? 0 : live.size());
    Quotas.check(request.quotaBytes(), path.value(), size, tick.usedBytes(), usageDelta);
    Outcome outcome = live == null ? Outcome.CREATED : Outcome.UPDATED;
    PutWrite.Put put =
        new PutWrite.Put(
            request.caller().userId(),
            path,
            meta,
            head.rev(),
            tick.at(),
            tick.seq(),
            usageDelta,
            null,
            revision.getLong("blob_id"),
            null);
    return PutWrite.execute(conn, put)
        .map(
            done ->
                new CommitResult(
                    outcome, meta, tick.seq(), List.of(Change.put(tick.seq(), meta, null))));
  }
}
