package io.ironsync.metadata.impl;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.FilePath;
import io.ironsync.metadata.FolderListing;
import io.ironsync.metadata.ListOrder;
import io.ironsync.metadata.ListRequest;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One page of a folder's children with keyset pagination: each page starts after the sort key of
 * the previous page's last entry, so pages stay cheap however deep and never repeat or skip an
 * entry that did not change in between.
 */
public final class FolderListings {

  private static final String CHILDREN =
      "select name, kind, "
          + Columns.META
          + " from files where user_id = $1 and parent = $2 and not deleted";

  private static final String BY_NAME = CHILDREN + " and name > $3 order by name limit $4";

  private static final String BY_MODIFIED = CHILDREN + " order by modified desc, name limit $3";

  private static final String BY_MODIFIED_AFTER =
      CHILDREN
          + " and (modified < $3 or (modified = $3 and name > $4))"
          + " order by modified desc, name limit $5";

  private static final String FOLDER =
      "select kind, deleted from files where user_id = $1 and path = $2";

  private final Pool pool;

  public FolderListings(Pool pool) {
    this.pool = pool;
  }

  public Future<FolderListing> list(ListRequest request) {
    Requests.check(request);
    ListOrder order = request.order() == null ? ListOrder.NAME : request.order();
    Optional<PageToken> after = request.pageToken().map(token -> PageToken.decode(token, order));
    return page(request, order, after)
        .compose(
            rows -> {
              // children exist only under a folder, so only an empty page needs the folder check
              if (rows.size() > 0 || request.folder().isRoot()) {
                return Future.succeededFuture(toListing(rows, order, request.limit()));
              }
              return requireFolder(request.userId(), request.folder())
                  .map(folder -> new FolderListing(List.of(), Optional.empty()));
            });
  }

  private Future<RowSet<Row>> page(
      ListRequest request, ListOrder order, Optional<PageToken> after) {
    String userId = request.userId();
    String parent = request.folder().value();
    // one row more than asked tells whether another page follows
    long fetch = request.limit() + 1L;
    if (order == ListOrder.NAME) {
      String afterName = after.map(PageToken::name).orElse("");
      return pool.preparedQuery(BY_NAME).execute(Tuple.of(userId, parent, afterName, fetch));
    }
    if (after.isEmpty()) {
      return pool.preparedQuery(BY_MODIFIED).execute(Tuple.of(userId, parent, fetch));
    }
    PageToken token = after.get();
    return pool.preparedQuery(BY_MODIFIED_AFTER)
        .execute(Tuple.of(userId, parent, token.modified(), token.name(), fetch));
  }

  private static FolderListing toListing(RowSet<Row> rows, ListOrder order, int limit) {
    List<FolderListing.Entry> entries = new ArrayList<>(Math.min(rows.size(), limit));
    PageToken last = null;
    for (Row row : rows) {
      if (entries.size() == limit) {
        return new FolderListing(List.copyOf(entries), Optional.of(last.encode()));
      }
      boolean folder = row.getString("kind").equals("folder");
      String name = row.getString("name");
      entries.add(
          new FolderListing.Entry(
              name, row.getString("path"), folder, folder ? null : Columns.meta(row)));
      last = PageToken.after(order, name, row.getOffsetDateTime("modified"));
    }
    return new FolderListing(List.copyOf(entries), Optional.empty());
  }

  private Future<Void> requireFolder(String userId, FilePath folder) {
    return pool.preparedQuery(FOLDER)
        .execute(Tuple.of(userId, folder.value()))
        .map(
            rows -> {
              Row row = rows.size() == 0 ? null : rows.iterator().next();
              if (row == null || row.getBoolean("deleted")) {
                throw ApiException.notFound("there is no folder '" + folder + "'");
              }
              if (row.getString("kind").equals("file")) {
                throw ApiException.notFound("'" + folder + "' is a file, not a folder");
              }
              return null;
            });
  }
}
