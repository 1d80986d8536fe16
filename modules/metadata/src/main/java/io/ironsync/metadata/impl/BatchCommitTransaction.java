package io.ironsync.metadata.impl;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.FileMeta;
import io.ironsync.domain.FilePath;
import io.ironsync.metadata.BatchCommitRequest;
import io.ironsync.metadata.BatchCommitRequest.BatchItem;
import io.ironsync.metadata.BatchCommitResult;
import io.ironsync.metadata.BatchCommitResult.ItemResult;
import io.ironsync.metadata.Change;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Commits many files in one transaction with a constant number of statements: the journal seq, the
 * heads of every item's path and ancestors, the stored content that items reuse, the storage keys
 * already taken, then one set-based write of every committed item.
 *
 * <p>Items are decided in order against the heads as the earlier items leave them, so an item that
 * conflicts with an earlier one of the same batch fails like it would after it. A failing item is
 * reported and skipped; the others commit. Committed items take consecutive journal seqs: the first
 * statement took the first, the write takes the rest, under the same lock.
 */
public final class BatchCommitTransaction {

  private static final String TAKEN_KEYS =
      "select storage_key from blobs where storage_key = any($1::text[])";

  private static final String WRITE =
      """
      with item as materialized (
        select * from unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[],
                             $7::bigint[], $8::bytea[], $9::text[], $10::bigint[], $11::text[],
                             $12::bigint[])
          as i (path, parent, name, rev, replaced_rev, size, sha256, etag, seq, blob_key, blob_id)
      ), blob as (
        insert into blobs (user_id, storage_key, size, sha256, created_at)
        select $1, blob_key, size, sha256, $13::timestamptz from item where blob_key is not null
        returning id, storage_key
      ), content as materialized (
        select item.*, coalesce(item.blob_id, blob.id) as content_id
        from item left join blob on blob.storage_key = item.blob_key
      ), version as (
        insert into versions (user_id, path, rev, blob_id, size, sha256, etag, device_id, modified)
        select $1, path, rev, content_id, size, sha256, etag, $14::text, $13 from content
      ), superseded as (
        update versions v set superseded = true
        from item
        where v.user_id = $1 and v.path = item.path and v.rev = item.replaced_rev
      ), head as (
        insert into files (user_id, path, parent, name, kind, rev, deleted, size, sha256, etag,
                           device_id, modified, blob_id, seq)
        select $1, path, parent, name, 'file', rev, false, size, sha256, etag, $14, $13,
               content_id, seq
        from content
        on conflict (user_id, path) do update
        set kind = 'file', rev = excluded.rev, deleted = false, size = excluded.size,
            sha256 = excluded.sha256, etag = excluded.etag, device_id = excluded.device_id,
            modified = excluded.modified, blob_id = excluded.blob_id, seq = excluded.seq
      ), folders as (
        insert into files as existing (user_id, path, parent, name, kind, modified)
        select $1, folder.path, folder.parent, folder.name, 'folder', $13
        from unnest($15::text[], $16::text[], $17::text[]) as folder (path, parent, name)
        on conflict (user_id, path) do update
        set kind = 'folder', deleted = false, device_id = null, modified = excluded.modified
        where existing.kind = 'file' and existing.deleted
      ), account as (
        update users
        set used_bytes = used_bytes + $18::bigint, journal_seq = journal_seq + $19::bigint
        where id = $1
      )
      insert into journal (user_id, seq, op, path, rev, size, sha256, etag, device_id, ts)
      select $1, seq, 'put', path, rev, size, sha256, etag, $14, $13 from item
      """;

  private final UserTransactions transactions;

  public BatchCommitTransaction(Pool pool, UserWriteQueue queue) {
    this.transactions = new UserTransactions(pool, queue);
  }

  public Future<BatchCommitResult> commit(BatchCommitRequest request) {
    Requests.check(request);
    return transactions.run(request.caller().userId(), conn -> attempt(conn, request));
  }

  private Future<BatchCommitResult> attempt(SqlConnection conn, BatchCommitRequest request) {
    String userId = request.caller().userId();
    Set<String> paths = new LinkedHashSet<>();
    Set<String> reusedDigests = new LinkedHashSet<>();
    Set<String> blobKeys = new LinkedHashSet<>();
    for (BatchItem item : request.items()) {
      if (Requests.problem(item) != null) {
        continue;
      }
      paths.add(item.path().value());
      item.path().ancestors().forEach(folder -> paths.add(folder.value()));
      if (item.blobKey() == null) {
        reusedDigests.add(Requests.lowercase(item.sha256()));
      } else {
        blobKeys.add(item.blobKey());
      }
    }
    return JournalSequence.next(conn, userId)
        .compose(
            tick ->
                Heads.read(conn, userId, List.copyOf(paths))
                    .compose(
                        heads ->
                            reusable(conn, userId, reusedDigests)
                                .compose(
                                    reused ->
                                        takenKeys(conn, blobKeys)
                                            .compose(
                                                taken ->
                                                    decideAndWrite(
                                                        conn,
                                                        request,
                                                        new Known(heads, reused, taken),
                                                        tick)))));
  }

  private static Future<Map<String, StoredContent.Blob>> reusable(
      SqlConnection conn, String userId, Set<String> digests) {
    return digests.isEmpty()
        ? Future.succeededFuture(Map.of())
        : StoredContent.reusable(conn, userId, digests);
  }

  private static Future<Set<String>> takenKeys(SqlConnection conn, Set<String> keys) {
    if (keys.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    return conn.preparedQuery(TAKEN_KEYS)
        .execute(Tuple.tuple().addArrayOfString(keys.toArray(String[]::new)))
        .map(
            rows -> {
              Set<String> taken = new HashSet<>();
              for (Row row : rows) {
                taken.add(row.getString("storage_key"));
              }
              return taken;
            });
  }

  /** What the reads found: heads by path, reusable blobs by digest, storage keys in use. */
  private record Known(
      Map<String, Head> heads, Map<String, StoredContent.Blob> reusable, Set<String> takenKeys) {}

  /** One item that passed every check, with what its write needs. */
  private record Accepted(
      FilePath path, FileMeta meta, Long replacedRev, BatchItem item, Long blobId) {}

  private Future<BatchCommitResult> decideAndWrite(
      SqlConnection conn, BatchCommitRequest request, Known known, JournalSequence.Tick tick) {
    // the heads as the items decided so far leave them
    Map<String, Head> heads = new HashMap<>(known.heads());
    Map<String, FilePath> newFolders = new LinkedHashMap<>();
    Set<String> seenPaths = new HashSet<>();
    Set<String> seenKeys = new HashSet<>();
    List<ItemResult> results = new ArrayList<>(request.items().size());
    List<Accepted> accepted = new ArrayList<>();
    long used = tick.usedBytes();
    for (BatchItem item : request.items()) {
      ApiException malformed = Requests.problem(item);
      if (malformed != null) {
        results.add(failed(item == null ? null : item.path(), malformed, null));
        continue;
      }
      FilePath path = item.path();
      if (!seenPaths.add(path.value())) {
        results.add(
            failed(
                path,
                ApiException.badRequest(
                    "duplicate-path", "'" + path + "' appears earlier in this batch"),
                null));
        continue;
      }
      if (item.blobKey() != null && !seenKeys.add(item.blobKey())) {
        results.add(
            failed(
                path,
                ApiException.badRequest(
                    "duplicate-blob-key", "the blob key appears earlier in this batch"),
                null));
        continue;
      }
      String sha256 = Requests.lowercase(item.sha256());
      Long blobId = null;
      if (item.blobKey() == null) {
        StoredContent.Blob stored = known.reusable().get(sha256);
        if (stored == null) {
          results.add(
              failed(
                  path,
                  ApiException.of(
                      404,
                      "unknown-content",
                      "Not found",
                      "no stored content has sha256 " + sha256 + "; upload it"),
                  null));
          continue;
        }
        if (stored.size() != item.size()) {
          results.add(
              failed(
                  path,
                  ApiException.badRequest(
                      "size-mismatch",
                      "the stored content with this digest is "
                          + stored.size()
                          + " bytes, not "
                          + item.size()),
                  null));
          continue;
        }
        blobId = stored.id();
      } else if (known.takenKeys().contains(item.blobKey())) {
        results.add(
            failed(
                path,
                ApiException.conflict(
                    "blob-key-in-use", "the blob key already belongs to stored content"),
                null));
        continue;
      }
      Head head = heads.get(path.value());
      FileMeta live = head == null ? null : head.meta();
      if (live != null && live.sha256().equals(sha256)) {
        results.add(new ItemResult(path.value(), 200, live, null, null));
        continue;
      }
      ApiException problem = Preconditions.failure(item.precondition(), path.value(), live);
      if (problem == null) {
        problem = Placement.problem(path, heads);
      }
      long delta = item.size() - (live == null ? 0 : live.size());
      if (problem == null) {
        problem = Quotas.failure(request.quotaBytes(), path.value(), item.size(), used, delta);
      }
      if (problem != null) {
        results.add(failed(path, problem, problem.status() == 412 ? live : null));
        continue;
      }
      long rev = head == null ? 1 : head.nextRev();
      FileMeta meta =
          new FileMeta(
              path.value(),
              rev,
              item.size(),
              sha256,
              Columns.etag(rev, sha256),
              tick.at().toInstant(),
              request.caller().deviceId());
      accepted.add(new Accepted(path, meta, head == null ? null : head.rev(), item, blobId));
      results.add(new ItemResult(path.value(), live == null ? 201 : 200, meta, null, null));
      used += delta;
      heads.put(path.value(), new Head(path.value(), false, false, rev, meta));
      for (FilePath folder : path.ancestors()) {
        Head above = heads.get(folder.value());
        if (above == null || above.deleted()) {
          newFolders.put(folder.value(), folder);
          heads.put(
              folder.value(),
              new Head(folder.value(), true, false, above == null ? null : above.rev(), null));
        }
      }
    }
    List<Change> changes = new ArrayList<>(accepted.size());
    for (int i = 0; i < accepted.size(); i++) {
      changes.add(Change.put(tick.seq() + i, accepted.get(i).meta(), null));
    }
    BatchCommitResult result = new BatchCommitResult(results, changes);
    if (accepted.isEmpty()) {
      return UserTransactions.nothingWritten(result);
    }
    Tuple parameters =
        writeParameters(request, accepted, newFolders.values(), tick, used - tick.usedBytes());
    return conn.preparedQuery(WRITE).execute(parameters).map(done -> result);
  }

  private static ItemResult failed(FilePath path, ApiException problem, FileMeta current) {
    return new ItemResult(
        path == null ? null : path.value(),
        problem.status(),
        current,
        problem.key(),
        problem.detail());
  }

  private static Tuple writeParameters(
      BatchCommitRequest request,
      List<Accepted> accepted,
      Collection<FilePath> folders,
      JournalSequence.Tick tick,
      long usageDelta) {
    int count = accepted.size();
    String[] paths = new String[count];
    String[] parents = new String[count];
    String[] names = new String[count];
    Long[] revs = new Long[count];
    Long[] replacedRevs = new Long[count];
    Long[] sizes = new Long[count];
    Buffer[] digests = new Buffer[count];
    String[] etags = new String[count];
    Long[] seqs = new Long[count];
    String[] blobKeys = new String[count];
    Long[] blobIds = new Long[count];
    for (int i = 0; i < count; i++) {
      Accepted item = accepted.get(i);
      paths[i] = item.path().value();
      parents[i] = item.path().parent().value();
      names[i] = item.path().name();
      revs[i] = item.meta().rev();
      replacedRevs[i] = item.replacedRev();
      sizes[i] = item.meta().size();
      digests[i] = Columns.bytes(item.meta().sha256());
      etags[i] = item.meta().etag();
      seqs[i] = tick.seq() + i;
      blobKeys[i] = item.item().blobKey();
      blobIds[i] = item.blobId();
    }
    return Tuple.tuple()
        .addString(request.caller().userId())
        .addArrayOfString(paths)
        .addArrayOfString(parents)
        .addArrayOfString(names)
        .addArrayOfLong(revs)
        .addArrayOfLong(replacedRevs)
        .addArrayOfLong(sizes)
        .addArrayOfBuffer(digests)
        .addArrayOfString(etags)
        .addArrayOfLong(seqs)
        .addArrayOfString(blobKeys)
        .addArrayOfLong(blobIds)
        .addOffsetDateTime(tick.at())
        .addString(request.caller().deviceId())
        .addArrayOfString(folders.stream().map(FilePath::value).toArray(String[]::new))
        .addArrayOfString(
            folders.stream().map(folder -> folder.parent().value()).toArray(String[]::new))
        .addArrayOfString(folders.stream().map(FilePath::name).toArray(String[]::new))
        .addLong(usageDelta)
        // the first seq was taken already
        .addLong(count - 1L);
  }
}
