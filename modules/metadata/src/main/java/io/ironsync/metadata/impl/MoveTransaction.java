package io.ironsync.metadata.impl;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.FileMeta;
import io.ironsync.domain.FilePath;
import io.ironsync.metadata.Change;
import io.ironsync.metadata.MoveRequest;
import io.ironsync.metadata.MoveResult;
import io.ironsync.metadata.Precondition;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Moves a file, or a folder with all it holds, in one transaction whose statement count does not
 * grow with the number of files: take the user's first journal seq (which locks the user), read the
 * source, the target and the live files below the source, for a folder read the heads at the files'
 * new paths, then write everything set-based in one statement.
 *
 * <p>Each moved file gets a new revision at its new path that shares its blob (so usage does not
 * change), a tombstone revision at its old path, and its own journal row with its own seq. The
 * first statement takes one seq as every write does; the write statement extends the reservation to
 * one seq per moved file. Both run under the same row lock in the same transaction, so the journal
 * stays gapless; taking all of them up front would need the file count before the lock, from a
 * snapshot that a concurrent write of the user could still change.
 */
public final class MoveTransaction {

  // the source and target heads, the target's ancestors, and up to the cap (plus one, to detect a
  // folder over it) of live files below the source; the deepest folder below decides whether every
  // moved folder's path stays within the length limit
  private static final String READ =
      """
      select false as below, kind, deleted, path, rev, size, sha256, etag, modified, device_id,
             (select max(octet_length(path)) from files
              where user_id = $1 and kind = 'folder' and path > $3 and path < $4) as deepest
      from files
      where user_id = $1 and path = any($2::text[])
      union all
      (select true, kind, deleted, path, rev, size, sha256, etag, modified, device_id, null
       from files
       where user_id = $1 and path > $3 and path < $4 and kind = 'file' and not deleted
       order by path
       limit $5)
      """;

  // One round trip whatever the number of files: the moved files travel as parallel arrays, the
  // moved folder rows are rewritten in place by prefix. The CTEs touch disjoint rows (sources are
  // not targets, files are not folders), as one statement must. A folder that once was a file
  // keeps its revision as a tombstone so that revision numbers at its path keep increasing.
  private static final String WRITE =
      """
      with moved as materialized (
        select m.from_path, m.to_path, m.to_parent, m.to_name, m.to_rev, m.replaced_rev, m.seq,
               m.etag, src.rev as live_rev, src.blob_id, src.size, src.sha256
        from unnest($6::text[], $7::text[], $8::text[], $9::text[], $10::bigint[],
                    $11::bigint[], $12::bigint[], $13::text[])
               as m (from_path, to_path, to_parent, to_name, to_rev, replaced_rev, seq, etag)
        join files src on src.user_id = $1 and src.path = m.from_path
      ), target_versions as (
        insert into versions (user_id, path, rev, blob_id, size, sha256, etag, device_id, modified)
        select $1, to_path, to_rev, blob_id, size, sha256, etag, $2::text, $3::timestamptz
        from moved
      ), source_tombstones as (
        insert into versions (user_id, path, rev, device_id, modified, deleted)
        select $1, from_path, live_rev + 1, $2, $3, true from moved
      ), superseded_sources as (
        update versions v set superseded = true
        from moved m
        where v.user_id = $1 and v.path = m.from_path and v.rev = m.live_rev
      ), superseded_targets as (
        update versions v set superseded = true
        from moved m
        where v.user_id = $1 and v.path = m.to_path and v.rev = m.replaced_rev
      ), source_heads as (
        update files f
        set rev = m.live_rev + 1, deleted = true, size = null, sha256 = null, etag = null,
            blob_id = null, device_id = $2, modified = $3, seq = m.seq
        from moved m
        where f.user_id = $1 and f.path = m.from_path
      ), target_heads as (
        insert into files (user_id, path, parent, name, kind, rev, deleted, size, sha256, etag,
                           device_id, modified, blob_id, seq)
        select $1, to_path, to_parent, to_name, 'file', to_rev, false, size, sha256, etag, $2, $3,
               blob_id, seq
        from moved
        on conflict (user_id, path) do update
        set kind = 'file', rev = excluded.rev, deleted = false, size = excluded.size,
            sha256 = excluded.sha256, etag = excluded.etag, device_id = excluded.device_id,
            modified = excluded.modified, blob_id = excluded.blob_id, seq = excluded.seq
      ), source_folders as materialized (
        select path, parent, name, rev from files
        where user_id = $1 and kind = 'folder'
          and (path = $4::text or (path > $4 || '/' and path < $4 || '0'))
      ), emptied_folders as (
        delete from files f
        using source_folders s
        where f.user_id = $1 and f.path = s.path and s.rev is null
      ), folder_tombstones as (
        update files f set kind = 'file', deleted = true, modified = $3
        from source_folders s
        where f.user_id = $1 and f.path = s.path and s.rev is not null
      ), target_folders as (
        insert into files as existing (user_id, path, parent, name, kind, modified)
        select $1, $5::text || substr(s.path, length($4) + 1),
               case when s.path = $4 then $14::text
                    else $5 || substr(s.parent, length($4) + 1) end,
               case when s.path = $4 then $15::text else s.name end,
               'folder', $3
        from source_folders s
        union all
        select $1, a.path, a.parent, a.name, 'folder', $3
        from unnest($16::text[], $17::text[], $18::text[]) as a (path, parent, name)
        on conflict (user_id, path) do update
        set kind = 'folder', deleted = false, device_id = null, modified = excluded.modified
        where existing.kind = 'file' and existing.deleted
      ), sequence as (
        update users set journal_seq = journal_seq + $19::bigint where id = $1
      )
      insert into journal (user_id, seq, op, path, from_path, rev, size, sha256, etag, device_id,
                           ts)
      select $1, seq, 'move', to_path, from_path, to_rev, size, sha256, etag, $2, $3 from moved
      """;

  private final UserTransactions transactions;
  private final int maxFiles;

  public MoveTransaction(Pool pool, UserWriteQueue queue) {
    this(pool, queue, MoveRequest.MAX_FILES);
  }

  /** {@code maxFiles}: the most files a folder move takes (400 {@code move-too-large} above). */
  public MoveTransaction(Pool pool, UserWriteQueue queue, int maxFiles) {
    if (maxFiles < 1) {
      throw new IllegalArgumentException("a move must take at least one file: " + maxFiles);
    }
    this.transactions = new UserTransactions(pool, queue);
    this.maxFiles = maxFiles;
  }

  public Future<MoveResult> move(MoveRequest request) {
    Requests.check(request);
    String from = request.from().value();
    String to = request.to().value();
    if (to.startsWith(from + "/")) {
      throw ApiException.conflict(
          "move-into-self", "'" + from + "' cannot move into itself ('" + to + "')");
    }
    return transactions.run(request.caller().userId(), conn -> attempt(conn, request));
  }

  private Future<MoveResult> attempt(SqlConnection conn, MoveRequest request) {
    String userId = request.caller().userId();
    String from = request.from().value();
    List<String> exact = new ArrayList<>();
    exact.add(from);
    exact.add(request.to().value());
    request.to().ancestors().forEach(folder -> exact.add(folder.value()));
    Tuple read =
        Tuple.tuple()
            .addString(userId)
            .addArrayOfString(exact.toArray(String[]::new))
            .addString(from + "/")
            // '0' follows '/' in byte order: the range holds exactly the paths below the source
            .addString(from + "0")
            .addInteger(maxFiles + 1);
    return JournalSequence.next(conn, userId)
        .compose(
            tick ->
                conn.preparedQuery(READ)
                    .execute(read)
                    .compose(rows -> decide(conn, request, Source.of(rows), tick)));
  }

  /** What the read found: heads by path, the live files below the source, the deepest folder. */
  private record Source(Map<String, Head> heads, List<FileMeta> below, Integer deepestFolder) {

    static Source of(RowSet<Row> rows) {
      Map<String, Head> heads = new HashMap<>();
      List<FileMeta> below = new ArrayList<>();
      Integer deepest = null;
      for (Row row : rows) {
        if (row.getBoolean("below")) {
          below.add(Columns.meta(row));
        } else {
          Head head = Heads.toHead(row);
          heads.put(head.path(), head);
          deepest = row.getInteger("deepest");
        }
      }
      return new Source(heads, below, deepest);
    }
  }

  private Future<MoveResult> decide(
      SqlConnection conn, MoveRequest request, Source source, JournalSequence.Tick tick) {
    String from = request.from().value();
    FilePath to = request.to();
    Head head = source.heads().get(from);
    if (head == null || (!head.folder() && head.deleted())) {
      throw ApiException.notFound("there is no file or folder at '" + from + "'");
    }
    if (!head.folder()) {
      Preconditions.check(request.precondition(), from, head.meta());
    } else if (request.precondition() instanceof Precondition.IfMatch) {
      throw ApiException.preconditionFailed(
          "If-Match names a file revision, and '" + from + "' is a folder", null);
    }
    Head target = source.heads().get(to.value());
    if (target != null && (target.folder() || !target.deleted())) {
      throw targetExists(to.value());
    }
    Placement.checkAncestors(to, source.heads());
    if (!head.folder()) {
      return write(conn, request, List.of(head.meta()), source.heads(), tick);
    }
    if (source.below().size() > maxFiles) {
      throw ApiException.badRequest(
          "move-too-large",
          "'" + from + "' holds more than " + maxFiles + " files, more than one move may take");
    }
    checkFolderDepth(request, source.deepestFolder());
    List<String> targets = source.below().stream().map(file -> moved(request, file)).toList();
    if (targets.isEmpty()) {
      return write(conn, request, List.of(), Map.of(), tick);
    }
    return Heads.read(conn, request.caller().userId(), targets)
        .compose(heads -> write(conn, request, source.below(), heads, tick));
  }

  private Future<MoveResult> write(
      SqlConnection conn,
      MoveRequest request,
      List<FileMeta> files,
      Map<String, Head> targetHeads,
      JournalSequence.Tick tick) {
    int count = files.size();
    String[] fromPaths = new String[count];
    String[] toPaths = new String[count];
    String[] toParents = new String[count];
    String[] toNames = new String[count];
    Long[] toRevs = new Long[count];
    Long[] replacedRevs = new Long[count];
    Long[] seqs = new Long[count];
    String[] etags = new String[count];
    List<Change> changes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      FileMeta file = files.get(i);
      FilePath target = FilePath.of(moved(request, file));
      Head replaced = targetHeads.get(target.value());
      if (replaced != null && (replaced.folder() || !replaced.deleted())) {
        throw targetExists(target.value());
      }
      long rev = replaced == null ? 1 : replaced.nextRev();
      long seq = tick.seq() + i;
      FileMeta meta =
          new FileMeta(
              target.value(),
              rev,
              file.size(),
              file.sha256(),
              Columns.etag(rev, file.sha256()),
              tick.at().toInstant(),
              request.caller().deviceId());
      fromPaths[i] = file.path();
      toPaths[i] = target.value();
      toParents[i] = target.parent().value();
      toNames[i] = target.name();
      toRevs[i] = rev;
      replacedRevs[i] = replaced == null ? null : replaced.rev();
      seqs[i] = seq;
      etags[i] = meta.etag();
      changes.add(Change.move(seq, file.path(), meta));
    }
    FilePath to = request.to();
    List<FilePath> ancestors = to.ancestors();
    Tuple parameters =
        Tuple.tuple()
            .addString(request.caller().userId())
            .addString(request.caller().deviceId())
            .addOffsetDateTime(tick.at())
            .addString(request.from().value())
            .addString(to.value())
            .addArrayOfString(fromPaths)
            .addArrayOfString(toPaths)
            .addArrayOfString(toParents)
            .addArrayOfString(toNames)
            .addArrayOfLong(toRevs)
            .addArrayOfLong(replacedRevs)
            .addArrayOfLong(seqs)
            .addArrayOfString(etags)
            .addString(to.parent().value())
            .addString(to.name())
            .addArrayOfString(ancestors.stream().map(FilePath::value).toArray(String[]::new))
            .addArrayOfString(
                ancestors.stream().map(folder -> folder.parent().value()).toArray(String[]::new))
            .addArrayOfString(ancestors.stream().map(FilePath::name).toArray(String[]::new))
            // the first seq was taken already; an empty folder gives it back
            .addLong(count - 1L);
    return conn.preparedQuery(WRITE).execute(parameters).map(done -> new MoveResult(changes));
  }

  /** The path a file below (or at) the source has after the move. */
  private static String moved(MoveRequest request, FileMeta file) {
    return request.to().value() + file.path().substring(request.from().value().length());
  }

  private static void checkFolderDepth(MoveRequest request, Integer deepestFolder) {
    if (deepestFolder == null) {
      return;
    }
    long longest =
        deepestFolder - utf8Length(request.from().value()) + utf8Length(request.to().value());
    if (longest > FilePath.MAX_PATH_BYTES) {
      throw ApiException.badRequest(
          "invalid-path",
          "moving '"
              + request.from()
              + "' to '"
              + request.to()
              + "' makes a folder path "
              + longest
              + " bytes long; the limit is "
              + FilePath.MAX_PATH_BYTES
              + " bytes");
    }
  }

  private static int utf8Length(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }

  private static ApiException targetExists(String path) {
    return ApiException.conflict(
        "target-exists", "'" + path + "' already exists; move to a free path");
  }
}
