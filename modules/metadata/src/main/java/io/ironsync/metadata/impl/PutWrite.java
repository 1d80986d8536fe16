package io.ironsync.metadata.impl;

import io.ironsync.domain.FileMeta;
import io.ironsync.domain.FilePath;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Writes one new revision of one path in one statement: the blob row (for new bytes), the version,
 * the head, missing ancestor folders, the superseded mark on the revision it replaces, the new
 * usage and the journal row. Commits, conflict copies and restores all end here.
 */
final class PutWrite {

  // Data-modifying CTEs all run exactly once, in one round trip; the foreign keys to a new blob are
  // checked at the end of the statement, when it exists. A tombstoned file at an ancestor path
  // becomes a folder; live files there were rejected before. Parameters are cast where they first
  // appear because a select list gives PostgreSQL nothing to infer their types from.
  private static final String WRITE =
      """
      with blob as (
        insert into blobs (user_id, storage_key, size, sha256, created_at)
        select $1, $3::text, $4::bigint, $5::bytea, $8::timestamptz
        where $3::text is not null
        returning id
      ), content as (
        select coalesce($17::bigint, (select id from blob)) as id
      ), version as (
        insert into versions (user_id, path, rev, blob_id, size, sha256, etag, device_id, modified)
        select $1, $2, $6, content.id, $4, $5, $7, $9, $8 from content
      ), superseded as (
        update versions set superseded = true
        where user_id = $1 and path = $2 and rev = $18::bigint
      ), head as (
        insert into files (user_id, path, parent, name, kind, rev, deleted, size, sha256, etag,
                           device_id, modified, blob_id, seq)
        select $1, $2, $10, $11, 'file', $6, false, $4, $5, $7, $9, $8, content.id, $15
        from content
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
        update users set used_bytes = used_bytes + $16::bigint where id = $1
      )
      insert into journal (user_id, seq, op, path, rev, size, sha256, etag, device_id, ts,
                           conflict_of)
      values ($1, $15, 'put', $2, $6, $4, $5, $7, $9, $8, $19::text)
      """;

  /**
   * One revision to write.
   *
   * @param path where {@code meta} goes (its ancestors become folders)
   * @param replacedRev the head's revision before this write (live or tombstone), or null
   * @param newBlobKey the storage key of new bytes, or null when {@code blobId} names stored bytes
   * @param blobId the blob row this revision shares, or null with a new blob key
   * @param conflictOf for a conflict copy, the path it conflicted with
   */
  record Put(
      String userId,
      FilePath path,
      FileMeta meta,
      Long replacedRev,
      OffsetDateTime at,
      long seq,
      long usageDelta,
      String newBlobKey,
      Long blobId,
      String conflictOf) {}

  private PutWrite() {}

  static Future<Void> execute(SqlConnection conn, Put put) {
    List<FilePath> folders = put.path().ancestors();
    FileMeta meta = put.meta();
    Tuple parameters =
        Tuple.tuple()
            .addString(put.userId())
            .addString(meta.path())
            .addString(put.newBlobKey())
            .addLong(meta.size())
            .addBuffer(Columns.bytes(meta.sha256()))
            .addLong(meta.rev())
            .addString(meta.etag())
            .addOffsetDateTime(put.at())
            .addString(meta.deviceId())
            .addString(put.path().parent().value())
            .addString(put.path().name())
            .addArrayOfString(folders.stream().map(FilePath::value).toArray(String[]::new))
            .addArrayOfString(
                folders.stream().map(folder -> folder.parent().value()).toArray(String[]::new))
            .addArrayOfString(folders.stream().map(FilePath::name).toArray(String[]::new))
            .addLong(put.seq())
            .addLong(put.usageDelta())
            .addLong(put.blobId())
            .addLong(put.replacedRev())
            .addString(put.conflictOf());
    return conn.preparedQuery(WRITE).execute(parameters).mapEmpty();
  }
}
