package io.ironsync.metadata.impl;

import io.ironsync.metadata.HashLookupRequest;
import io.ironsync.metadata.HashLookupResult;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The contents a user stores, by digest: blobs of that user that a head or a kept version still
 * refers to. A blob no longer referred to is on its way out through retention and does not count.
 * Every query names the user, so one user's content never answers for another's.
 */
public final class StoredContent {

  private static final String REFERENCED =
      """
      b.user_id = $1 and b.sha256 = any($2::bytea[])
        and (exists (select 1 from versions v where v.blob_id = b.id)
             or exists (select 1 from files f where f.blob_id = b.id))
      """;

  private static final String DIGESTS = "select distinct b.sha256 from blobs b where " + REFERENCED;

  // FOR KEY SHARE keeps retention from deleting the blob before the reusing write commits:
  // retention locks blobs before it deletes them, and re-checks references once it holds them
  private static final String REUSABLE =
      "select b.id, b.sha256, b.size from blobs b where "
          + REFERENCED
          + " order by b.id desc for key share of b";

  /** A stored content's blob row. */
  record Blob(long id, long size) {}

  private final Pool pool;

  public StoredContent(Pool pool) {
    this.pool = pool;
  }

  public Future<HashLookupResult> lookup(HashLookupRequest request) {
    Requests.check(request);
    Set<String> asked = new LinkedHashSet<>(request.sha256());
    if (asked.isEmpty()) {
      return Future.succeededFuture(new HashLookupResult(List.of()));
    }
    return pool.preparedQuery(DIGESTS)
        .execute(parameters(request.userId(), asked))
        .map(
            rows -> {
              Set<String> stored = new HashSet<>();
              for (Row row : rows) {
                stored.add(Columns.hex(row.getBuffer("sha256")));
              }
              return new HashLookupResult(asked.stream().filter(stored::contains).toList());
            });
  }

  /**
   * The newest stored blob of each digest the user stores, locked against retention until the
   * transaction ends.
   */
  static Future<Map<String, Blob>> reusable(
      SqlConnection conn, String userId, Set<String> digests) {
    return conn.preparedQuery(REUSABLE)
        .execute(parameters(userId, digests))
        .map(
            rows -> {
              Map<String, Blob> blobs = new HashMap<>();
              for (Row row : rows) {
                blobs.putIfAbsent(
                    Columns.hex(row.getBuffer("sha256")),
                    new Blob(row.getLong("id"), row.getLong("size")));
              }
              return blobs;
            });
  }

  private static Tuple parameters(String userId, Set<String> digests) {
    return Tuple.tuple()
        .addString(userId)
        .addArrayOfBuffer(digests.stream().map(Columns::bytes).toArray(Buffer[]::new));
  }
}
