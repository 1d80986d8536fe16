package io.ironsync.metadata.impl;

import io.ironsync.domain.ApiException;
import io.ironsync.metadata.VersionList;
import io.ironsync.metadata.VersionsRequest;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Pages of a file's revisions, newest first, keyset-paged on the revision number: a range scan of
 * the versions primary key, however long the history.
 */
public final class VersionHistory {

  private static final String PAGE =
      "select rev, size, sha256, etag, modified, device_id, deleted from versions"
          + " where user_id = $1 and path = $2 and rev < $3 order by rev desc limit $4";

  // a path that had revisions keeps a file head (live or tombstone) even once retention removed
  // them; a folder that was a file once keeps its revision number but no longer is a file
  private static final String EXISTED =
      "select exists (select 1 from versions where user_id = $1 and path = $2)"
          + " or exists (select 1 from files where user_id = $1 and path = $2 and kind = 'file')"
          + " as existed";

  private final Pool pool;

  public VersionHistory(Pool pool) {
    this.pool = pool;
  }

  public Future<VersionList> versions(VersionsRequest request) {
    Requests.check(request);
    String userId = request.userId();
    String path = request.path().value();
    long before = request.beforeRev().orElse(Long.MAX_VALUE);
    // one row more than asked tells whether another page follows
    return pool.preparedQuery(PAGE)
        .execute(Tuple.of(userId, path, before, request.limit() + 1))
        .compose(
            rows -> {
              if (rows.size() > 0) {
                return Future.succeededFuture(toList(rows, request.limit()));
              }
              return pool.preparedQuery(EXISTED)
                  .execute(Tuple.of(userId, path))
                  .map(
                      existed -> {
                        if (!existed.iterator().next().getBoolean("existed")) {
                          throw ApiException.notFound("there never was a file at '" + path + "'");
                        }
                        return new VersionList(List.of(), OptionalLong.empty());
                      });
            });
  }

  private static VersionList toList(RowSet<Row> rows, int limit) {
    List<VersionList.Version> versions = new ArrayList<>(Math.min(rows.size(), limit));
    for (Row row : rows) {
      if (versions.size() == limit) {
        return new VersionList(versions, OptionalLong.of(versions.get(limit - 1).rev()));
      }
      boolean deleted = row.getBoolean("deleted");
      versions.add(
          new VersionList.Version(
              row.getLong("rev"),
              row.getLong("size"),
              deleted ? null : Columns.hex(row.getBuffer("sha256")),
              row.getString("etag"),
              row.getOffsetDateTime("modified").toInstant(),
              row.getString("device_id"),
              deleted));
    }
    return new VersionList(versions, OptionalLong.empty());
  }
}
