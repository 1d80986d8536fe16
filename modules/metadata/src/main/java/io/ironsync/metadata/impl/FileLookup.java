package io.ironsync.metadata.impl;

import io.ironsync.domain.ApiException;
import io.ironsync.metadata.FileQuery;
import io.ironsync.metadata.StoredFile;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

/**
 * Finds a live file or one of its revisions with the storage key of its bytes. The inner join on
 * blobs leaves out tombstones and folders, which have no blob.
 */
public final class FileLookup {

  private static final String HEAD =
      "select f.path, f.rev, f.size, f.sha256, f.etag, f.modified, f.device_id, b.storage_key"
          + " from files f join blobs b on b.id = f.blob_id"
          + " where f.user_id = $1 and f.path = $2 and not f.deleted";

  private static final String REVISION =
      "select v.path, v.rev, v.size, v.sha256, v.etag, v.modified, v.device_id, b.storage_key"
          + " from versions v join blobs b on b.id = v.blob_id"
          + " where v.user_id = $1 and v.path = $2 and v.rev = $3";

  private final Pool pool;

  public FileLookup(Pool pool) {
    this.pool = pool;
  }

  public Future<StoredFile> get(FileQuery query) {
    Requests.check(query);
    String path = query.path().value();
    if (query.rev().isEmpty()) {
      return pool.preparedQuery(HEAD)
          .execute(Tuple.of(query.userId(), path))
          .map(rows -> single(rows, "there is no file at '" + path + "'"));
    }
    long rev = query.rev().getAsLong();
    return pool.preparedQuery(REVISION)
        .execute(Tuple.of(query.userId(), path, rev))
        .map(rows -> single(rows, "'" + path + "' has no revision " + rev + " with content"));
  }

  private static StoredFile single(RowSet<Row> rows, String notFound) {
    RowIterator<Row> iterator = rows.iterator();
    if (!iterator.hasNext()) {
      throw ApiException.notFound(notFound);
    }
    Row row = iterator.next();
    return new StoredFile(Columns.meta(row), row.getString("storage_key"));
  }
}
