package io.ironsync.metadata.impl;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.FileMeta;
import io.ironsync.domain.FilePath;
import io.ironsync.metadata.Change;
import io.ironsync.metadata.CommitRequest;
import io.ironsync.metadata.CommitResult;
import io.ironsync.metadata.CommitResult.Outcome;
import io.ironsync.metadata.ConflictMode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Records a new revision of a file in one transaction of three statements: take the user's next
 * journal seq (which locks the user and reads their storage usage), read the heads of the path and
 * its ancestors, then, when the preconditions and the quota allow, write everything in one
 * statement ({@link PutWrite}). A conflict copy reads the heads of its candidate names first, one
 * more statement.
 */
public final class CommitTransaction {

  // a copy's name carries its device and second, so a second candidate is already rare
  private static final int NAMES_PER_READ = 8;
  private static final int MAX_COPY_NAMES = 1000;

  private final UserTransactions transactions;

  public CommitTransaction(Pool pool, UserWriteQueue queue) {
    this.transactions = new UserTransactions(pool, queue);
  }

  public Future<CommitResult> commit(CommitRequest request) {
    Requests.check(request);
    return transactions.run(request.caller().userId(), conn -> attempt(conn, request));
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
    FileMeta live = head == null ? null : head.meta();
    // identical content is never a conflict, whichever revision the client based it on
    if (live != null && live.sha256().equals(sha256)) {
      return UserTransactions.nothingWritten(new CommitResult(Outcome.UNCHANGED, live, 0));
    }
    ApiException failed = Preconditions.failure(request.precondition(), path.value(), live);
    if (failed != null) {
      if (request.onConflict() != ConflictMode.COPY) {
        throw failed;
      }
      // the copy goes next to the original, so it needs the same ancestors
      Placement.checkAncestors(path, heads);
      return copy(conn, request, sha256, tick, 1);
    }
    Placement.check(path, heads);
    Outcome outcome = live == null ? Outcome.CREATED : Outcome.UPDATED;
    return write(conn, request, path, head, sha256, tick, outcome, null);
  }

  /** Finds the first free copy name from candidate {@code first} on, then writes the copy. */
  private Future<CommitResult> copy(
      SqlConnection conn,
      CommitRequest request,
      String sha256,
      JournalSequence.Tick tick,
      int first) {
    if (first > MAX_COPY_NAMES) {
      throw ApiException.conflict(
          "conflict-names-exhausted",
          "no free name for another conflict copy of '" + request.path() + "' this second");
    }
    List<FilePath> candidates = new ArrayList<>(NAMES_PER_READ);
    for (int n = first; n < first + NAMES_PER_READ; n++) {
      candidates.add(
          ConflictNames.candidate(
              request.path(), request.caller().deviceId(), tick.at().toInstant(), n));
    }
    return Heads.read(
            conn, request.caller().userId(), candidates.stream().map(FilePath::value).toList())
        .compose(
            heads -> {
              for (FilePath candidate : candidates) {
                Head taken = heads.get(candidate.value());
                // a tombstone does not hold its name: the copy becomes its next revision
                if (taken == null || (!taken.folder() && taken.deleted())) {
                  return write(
                      conn,
                      request,
                      candidate,
                      taken,
                      sha256,
                      tick,
                      Outcome.CONFLICT_COPY,
                      request.path().value());
                }
              }
              return copy(conn, request, sha256, tick, first + NAMES_PER_READ);
            });
  }

  private Future<CommitResult> write(
      SqlConnection conn,
      CommitRequest request,
      FilePath target,
      Head head,
      String sha256,
      JournalSequence.Tick tick,
      Outcome outcome,
      String conflictOf) {
    long rev = head == null ? 1 : head.nextRev();
    FileMeta live = head == null ? null : head.meta();
    FileMeta meta =
        new FileMeta(
            target.value(),
            rev,
            request.size(),
            sha256,
            Columns.etag(rev, sha256),
            tick.at().toInstant(),
            request.caller().deviceId());
    // a tombstone's size left usage when it was deleted, so only a live head's size is replaced
    long usageDelta = request.size() - (live == null ? 0 : live.size());
    Quotas.check(
        request.quotaBytes(), target.value(), request.size(), tick.usedBytes(), usageDelta);
    PutWrite.Put put =
        new PutWrite.Put(
            request.caller().userId(),
            target,
            meta,
            head == null ? null : head.rev(),
            tick.at(),
            tick.seq(),
            usageDelta,
            request.blobKey(),
            null,
            conflictOf);
    return PutWrite.execute(conn, put)
        .map(
            done ->
                new CommitResult(
                    outcome, meta, tick.seq(), List.of(Change.put(tick.seq(), meta, conflictOf))));
  }
}
