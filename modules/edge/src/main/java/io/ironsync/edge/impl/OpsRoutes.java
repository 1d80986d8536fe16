package io.ironsync.edge.impl;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.Caller;
import io.ironsync.domain.FilePath;
import io.ironsync.domain.QueryParams;
import io.ironsync.metadata.BatchCommitRequest;
import io.ironsync.metadata.BatchCommitRequest.BatchItem;
import io.ironsync.metadata.BatchCommitResult;
import io.ironsync.metadata.CommitResult;
import io.ironsync.metadata.HashLookupRequest;
import io.ironsync.metadata.MetadataClient;
import io.ironsync.metadata.MoveRequest;
import io.ironsync.metadata.Precondition;
import io.ironsync.metadata.RestoreRequest;
import io.ironsync.metadata.VersionList;
import io.ironsync.metadata.VersionsRequest;
import io.ironsync.upload.BatchUploads;
import io.ironsync.upload.Preconditions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The JSON operations: move, versions, restore, content lookup and batch commit of content the user
 * already stores. Request bodies are JSON objects, read in full (they are small and capped by the
 * route's body limit).
 */
public final class OpsRoutes {

  static final int DEFAULT_VERSIONS = 100;
  static final int MAX_VERSIONS = 1000;

  private final MetadataClient metadata;
  private final BatchUploads batches;
  private final long quotaBytes;

  public OpsRoutes(MetadataClient metadata, BatchUploads batches, long quotaBytes) {
    this.metadata = metadata;
    this.batches = batches;
    this.quotaBytes = quotaBytes;
  }

  /**
   * {@code POST /v1/ops/commit-batch} as {@code multipart/form-data}: new content for many small
   * files, each part's filename its path; the same answer as the JSON form.
   */
  public void commitBatchUpload(RoutingContext ctx, Caller caller) {
    batches
        .receive(ctx.request(), caller)
        .onSuccess(result -> json(ctx, 200, batchJson(result)))
        .onFailure(failure -> batches.fail(ctx, failure));
  }

  /** {@code POST /v1/ops/move {from, to, ifMatch?}} → the moved files as journal entries. */
  public void move(RoutingContext ctx, Caller caller) {
    JsonObject body = body(ctx);
    MoveRequest request =
        new MoveRequest(
            caller, path(body, "from"), path(body, "to"), ifMatch(body.getValue("ifMatch")));
    metadata
        .move(request)
        .onSuccess(
            moved -> {
              JsonArray changes = new JsonArray();
              moved.changes().forEach(change -> changes.add(change.toJson()));
              json(ctx, 200, new JsonObject().put("moved", changes));
            })
        .onFailure(ctx::fail);
  }

  /** {@code GET /v1/versions/{path}?limit=&before=} → revisions, newest first. */
  public void versions(RoutingContext ctx, FilePath path) {
    int limit =
        QueryParams.wholeNumber(
            "limit", ctx.request().getParam("limit"), DEFAULT_VERSIONS, 1, MAX_VERSIONS);
    String before = ctx.request().getParam("before");
    OptionalLong beforeRev =
        before == null
            ? OptionalLong.empty()
            : OptionalLong.of(
                QueryParams.wholeNumber(
                    "before", ctx.request().getParam("before"), 0, 2, Integer.MAX_VALUE));
    metadata
        .versions(new VersionsRequest(RequestContext.caller(ctx).userId(), path, limit, beforeRev))
        .onSuccess(list -> json(ctx, 200, versionsJson(path, list)))
        .onFailure(ctx::fail);
  }

  /** {@code POST /v1/ops/restore {path, rev}} → the new head; 201 when the file was deleted. */
  public void restore(RoutingContext ctx, Caller caller) {
    JsonObject body = body(ctx);
    Object rev = body.getValue("rev");
    if (!(rev instanceof Number number) || number.longValue() < 1) {
      throw ApiException.badRequest("invalid-rev", "rev must be a revision number (1 or more)");
    }
    metadata
        .restore(new RestoreRequest(caller, path(body, "path"), number.longValue(), quotaBytes))
        .onSuccess(
            result ->
                json(
                    ctx,
                    result.outcome() == CommitResult.Outcome.CREATED ? 201 : 200,
                    result.meta().toJson()))
        .onFailure(ctx::fail);
  }

  /** {@code POST /v1/ops/lookup-hashes {sha256: [...]}} → the digests this user stores. */
  public void lookupHashes(RoutingContext ctx, Caller caller) {
    JsonArray digests = array(body(ctx), "sha256", HashLookupRequest.MAX_DIGESTS);
    List<String> asked = new ArrayList<>(digests.size());
    for (Object digest : digests) {
      if (!(digest instanceof String text)) {
        throw ApiException.badRequest("invalid-sha256", "sha256 must be a list of hex digests");
      }
      asked.add(text.toLowerCase(java.util.Locale.ROOT));
    }
    metadata
        .lookupHashes(new HashLookupRequest(caller.userId(), asked))
        .onSuccess(
            found -> json(ctx, 200, new JsonObject().put("stored", new JsonArray(found.stored()))))
        .onFailure(ctx::fail);
  }

  /**
   * {@code POST /v1/ops/commit-batch {items: [{path, sha256, size, ifMatch?, ifNoneMatch?}]}}:
   * commits content the user already stores (see lookup-hashes) at many paths in one transaction.
   * Always 200 when the batch itself was readable; each item carries its own status.
   */
  public void commitBatch(RoutingContext ctx, Caller caller) {
    JsonArray items = array(body(ctx), "items", BatchCommitRequest.MAX_ITEMS);
    List<BatchItem> batch = new ArrayList<>(items.size());
    for (Object item : items) {
      if (!(item instanceof JsonObject json)) {
        throw ApiException.badRequest("invalid-batch", "every item must be a JSON object");
      }
      Object size = json.getValue("size");
      if (!(size instanceof Number number) || number.longValue() < 0) {
        throw ApiException.badRequest("invalid-batch", "every item needs its size in bytes");
      }
      Object sha = json.getValue("sha256");
      if (!(sha instanceof String digest)) {
        throw ApiException.badRequest(
            "invalid-batch", "every item needs the sha256 of its content");
      }
      batch.add(
          new BatchItem(
              path(json, "path"),
              null,
              number.longValue(),
              digest,
              Preconditions.fromFields(json.getValue("ifMatch"), json.getValue("ifNoneMatch"))));
    }
    metadata
        .commitBatch(new BatchCommitRequest(caller, batch, quotaBytes))
        .onSuccess(
            result -> {
              batches.countConflicts(batch, result);
              json(ctx, 200, batchJson(result));
            })
        .onFailure(ctx::fail);
  }

  private static JsonObject batchJson(BatchCommitResult result) {
    JsonArray items = new JsonArray();
    for (BatchCommitResult.ItemResult item : result.items()) {
      JsonObject json = new JsonObject().put("path", item.path()).put("status", item.status());
      if (item.meta() != null) {
        json.put(item.committed() ? "meta" : "current", item.meta().toJson());
      }
      if (item.problemKey() != null) {
        json.put("type", "urn:ironsync:problem:" + item.problemKey()).put("detail", item.detail());
      }
      items.add(json);
    }
    long committed =
        result.items().stream().filter(BatchCommitResult.ItemResult::committed).count();
    return new JsonObject()
        .put("items", items)
        .put("committed", committed)
        .put("failed", result.items().size() - committed);
  }

  private static JsonObject versionsJson(FilePath path, VersionList list) {
    JsonArray versions = new JsonArray();
    for (VersionList.Version version : list.versions()) {
      JsonObject json =
          new JsonObject()
              .put("rev", version.rev())
              .put("deleted", version.deleted())
              .put("modified", version.modified().toString())
              .put("deviceId", version.deviceId());
      if (!version.deleted()) {
        json.put("size", version.size())
            .put("sha256", version.sha256())
            .put("etag", version.etag());
      }
      versions.add(json);
    }
    JsonObject json = new JsonObject().put("path", path.value()).put("versions", versions);
    list.nextBeforeRev().ifPresent(next -> json.put("nextBefore", next));
    return json;
  }

  private static JsonObject body(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body == null) {
        throw ApiException.badRequest("invalid-body", "the body must be a JSON object");
      }
      return body;
    } catch (DecodeException | ClassCastException e) {
      throw ApiException.badRequest("invalid-body", "the body must be a JSON object");
    }
  }

  private static FilePath path(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (!(value instanceof String text) || text.isEmpty()) {
      throw ApiException.badRequest("invalid-path", "'" + field + "' must name a path");
    }
    FilePath path = FilePath.of(text.startsWith("/") ? text.substring(1) : text);
    if (path.isRoot()) {
      throw ApiException.badRequest("invalid-path", "'" + field + "' must not be the root");
    }
    return path;
  }

  private static JsonArray array(JsonObject body, String field, int max) {
    Object value = body.getValue(field);
    if (!(value instanceof JsonArray array)) {
      throw ApiException.badRequest("invalid-body", "'" + field + "' must be a list");
    }
    if (array.isEmpty() || array.size() > max) {
      throw ApiException.badRequest(
          "invalid-body",
          "'" + field + "' must hold 1 to " + max + " entries, got " + array.size());
    }
    return array;
  }

  private static Precondition ifMatch(Object etag) {
    return Preconditions.fromFields(etag, null);
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body.toBuffer());
  }
}
