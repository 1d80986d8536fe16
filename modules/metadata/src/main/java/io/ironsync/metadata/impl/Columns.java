package io.ironsync.metadata.impl;

import io.ironsync.domain.FileMeta;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import java.util.HexFormat;

/** How file metadata is stored in columns and read back from rows. */
final class Columns {

  private static final HexFormat HEX = HexFormat.of();

  /** The selected columns {@link #meta(Row)} reads, for queries to embed. */
  static final String META = "path, rev, size, sha256, etag, modified, device_id";

  private Columns() {}

  /** A file revision's metadata from a row that selected {@link #META}. */
  static FileMeta meta(Row row) {
    return new FileMeta(
        row.getString("path"),
        row.getLong("rev"),
        row.getLong("size"),
        hex(row.getBuffer("sha256")),
        row.getString("etag"),
        row.getOffsetDateTime("modified").toInstant(),
        row.getString("device_id"));
  }

  /**
   * The revision alone is unique per path; the digest prefix keeps an old etag from matching other
   * content should revision numbers ever be reused (a restored backup, a re-created account).
   */
  static String etag(long rev, String sha256) {
    return rev + "-" + sha256.substring(0, 16);
  }

  static String hex(Buffer bytes) {
    return HEX.formatHex(bytes.getBytes());
  }

  static Buffer bytes(String hex) {
    return Buffer.buffer(HEX.parseHex(hex));
  }
}
