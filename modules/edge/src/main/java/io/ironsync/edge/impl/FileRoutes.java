package io.ironsync.edge.impl;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.FilePath;
import io.ironsync.domain.QueryParams;
import io.ironsync.domain.Revisions;
import io.ironsync.metadata.DeleteRequest;
import io.ironsync.metadata.FileQuery;
import io.ironsync.metadata.FolderListing;
import io.ironsync.metadata.ListOrder;
import io.ironsync.metadata.ListRequest;
import io.ironsync.metadata.MetadataClient;
import io.ironsync.metadata.Precondition;
import io.ironsync.upload.Preconditions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Optional;

/**
 * The metadata-only endpoints: {@code GET /v1/meta}, {@code GET /v1/list}, {@code DELETE
 * /v1/files}.
 */
public final class FileRoutes {

  static final int DEFAULT_PAGE_SIZE = 500;
  static final int MAX_PAGE_SIZE = 1000;

  private final MetadataClient metadata;

  public FileRoutes(MetadataClient metadata) {
    this.metadata = metadata;
  }

  public void meta(RoutingContext ctx, FilePath path) {
    metadata
        .get(
            new FileQuery(
                RequestContext.caller(ctx).userId(),
                path,
                Revisions.parse(ctx.request().getParam("rev"))))
        .onSuccess(
            file ->
                ctx.response()
                    .putHeader(HttpHeaders.ETAG, file.meta().quotedEtag())
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(file.meta().toJson().encode()))
        .onFailure(ctx::fail);
  }

  public void delete(RoutingContext ctx, FilePath path) {
    Precondition precondition =
        Preconditions.parse(ctx.request().getHeader(HttpHeaders.IF_MATCH), null);
    metadata
        .delete(new DeleteRequest(RequestContext.caller(ctx), path, precondition))
        .onSuccess(deleted -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  public void list(RoutingContext ctx, FilePath folder) {
    ListRequest request =
        new ListRequest(
            RequestContext.caller(ctx).userId(),
            folder,
            pageSize(ctx),
            Optional.ofNullable(ctx.request().getParam("page")),
            order(ctx));
    metadata
        .list(request)
        .onSuccess(
            listing ->
                ctx.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(toJson(folder, listing).encode()))
        .onFailure(ctx::fail);
  }

  private static JsonObject toJson(FilePath folder, FolderListing listing) {
    JsonArray entries = new JsonArray();
    for (FolderListing.Entry entry : listing.entries()) {
      JsonObject json =
          entry.folder() ? new JsonObject().put("path", entry.path()) : entry.file().toJson();
      entries.add(json.put("name", entry.name()).put("type", entry.folder() ? "folder" : "file"));
    }
    return new JsonObject()
        .put("folder", folder.value())
        .put("entries", entries)
        .put("nextPage", listing.nextPageToken().orElse(null));
  }

  private static int pageSize(RoutingContext ctx) {
    return QueryParams.wholeNumber(
        "limit", ctx.request().getParam("limit"), DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
  }

  private static ListOrder order(RoutingContext ctx) {
    String order = ctx.request().getParam("order");
    if (order == null) {
      return ListOrder.NAME;
    }
    try {
      return ListOrder.valueOf(order.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("invalid-order", "order must be name or modified");
    }
  }
}
