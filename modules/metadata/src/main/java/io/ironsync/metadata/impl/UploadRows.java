package io.ironsync.metadata.impl;

import io.ironsync.metadata.ResumableUpload;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/** How a resumable upload is stored in the {@code uploads} table and read back from rows. */
final class UploadRows {

  /**
   * The selected columns {@link #upload(Row)} and {@link #state(Row)} read, for queries and {@code
   * returning} clauses to embed.
   */
  static final String COLUMNS =
      "id, user_id, device_id, path, length, upload_offset, kind, store_state, digest_state,"
          + " blob_key, upload_metadata, precondition, on_conflict, partials, expires_at,"
          + " created_at, committed_etag, committed_rev, lease_owner";

  /** An upload with the owner of its lease (null when free), which the record leaves out. */
  record State(ResumableUpload upload, String leaseOwner) {}

  private UploadRows() {}

  static ResumableUpload upload(Row row) {
    Long length = row.getLong("length");
    UUID[] partials = row.getArrayOfUUIDs("partials");
    Buffer digestState = row.getBuffer("digest_state");
    Long committedRev = row.getLong("committed_rev");
    return new ResumableUpload(
        row.getUUID("id").toString(),
        row.getString("user_id"),
        row.getString("device_id"),
        row.getString("path"),
        length == null ? ResumableUpload.DEFERRED : length,
        row.getLong("upload_offset"),
        ResumableUpload.Kind.valueOf(row.getString("kind").toUpperCase(Locale.ROOT)),
        row.getJsonObject("store_state"),
        digestState == null ? null : digestState.getBytes(),
        row.getString("blob_key"),
        row.getString("upload_metadata"),
        row.getString("precondition"),
        row.getString("on_conflict"),
        partials == null ? List.of() : Arrays.stream(partials).map(UUID::toString).toList(),
        row.getOffsetDateTime("expires_at").toInstant(),
        row.getOffsetDateTime("created_at").toInstant(),
        row.getString("committed_etag"),
        committedRev == null ? 0 : committedRev);
  }

  static State state(Row row) {
    return new State(upload(row), row.getString("lease_owner"));
  }

  static String kind(ResumableUpload.Kind kind) {
    return kind.name().toLowerCase(Locale.ROOT);
  }

  /** The stored length: null while deferred. */
  static Long length(long length) {
    return length == ResumableUpload.DEFERRED ? null : length;
  }

  static Buffer bytes(byte[] bytes) {
    return bytes == null ? null : Buffer.buffer(bytes);
  }
}
