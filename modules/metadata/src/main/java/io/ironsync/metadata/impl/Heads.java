package io.ironsync.metadata.impl;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads the heads of several paths of one user in one round trip. */
final class Heads {

  private static final String SELECT =
      "select kind, deleted, "
          + Columns.META
          + " from files where user_id = $1 and path = any($2::text[])";

  private Heads() {}

  /** The heads that exist, by path; paths without a row are absent from the map. */
  static Future<Map<String, Head>> read(SqlConnection conn, String userId, List<String> paths) {
    return conn.preparedQuery(SELECT)
        .execute(Tuple.tuple().addString(userId).addArrayOfString(paths.toArray(String[]::new)))
        .map(
            rows -> {
              Map<String, Head> heads = new HashMap<>();
              for (Row row : rows) {
                Head head = toHead(row);
                heads.put(head.path(), head);
              }
              return heads;
            });
  }

  /** A head from a row that selected {@code kind, deleted} and {@link Columns#META}. */
  static Head toHead(Row row) {
    boolean folder = row.getString("kind").equals("folder");
    boolean deleted = row.getBoolean("deleted");
    boolean live = !folder && !deleted;
    return new Head(
        row.getString("path"),
        folder,
        deleted,
        row.getLong("rev"),
        live ? Columns.meta(row) : null);
  }
}
