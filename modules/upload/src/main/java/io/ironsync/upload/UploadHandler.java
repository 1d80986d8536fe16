package io.ironsync.upload;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.Caller;
import io.ironsync.domain.FileMeta;
import io.ironsync.domain.FilePath;
import io.ironsync.metadata.CommitRequest;
import io.ironsync.metadata.CommitResult;
import io.ironsync.metadata.ConflictMode;
import io.ironsync.metadata.FileQuery;
import io.ironsync.metadata.MetadataClient;
import io.ironsync.metadata.Precondition;
import io.ironsync.observability.UploadMetrics;
import io.ironsync.ratelimit.UploadSlots;
import io.ironsync.ratelimit.UserLimits;
import io.ironsync.storage.BlobSink;
import io.ironsync.storage.ObjectStore;
import io.ironsync.upload.impl.BodyPipe;
import io.ironsync.upload.impl.Conflicts;
import io.ironsync.upload.impl.ContentDigest;
import io.ironsync.upload.impl.HashingSink;
import io.ironsync.upload.impl.UploadFailures;
import io.ironsync.upload.impl.Waiting;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code PUT /v1/files/{path}}: streams the request body into a new blob, then commits one metadata
 * revision. Write order is the durability rule: bytes durable in the store first, then one metadata
 * transaction. Whatever goes wrong before the commit, the blob is removed again.
 */
public final class UploadHandler {

  private static final Logger LOG = LoggerFactory.getLogger(UploadHandler.class);

  /**
   * How long an error answer waits for the blob clean-up. Usually the clean-up is done well before,
   * so a client that sees the error also sees a clean store; when the store is down it goes on in
   * the background (shutdown still waits for it).
   */
  private static final long CLEANUP_WAIT_MS = 2_000;

  private final ObjectStore store;
  private final MetadataClient metadata;
  private final UploadMetrics metrics;
  private final long maxFileBytes;
  private final long quotaBytes;
  private final InFlightUploads inFlight;
  private final UploadSlots slots;
  private final UserLimits limits;

  public UploadHandler(UploadServices services) {
    this.store = services.store();
    this.metadata = services.metadata();
    this.metrics = services.metrics();
    this.maxFileBytes = services.maxFileBytes();
    this.quotaBytes = services.quotaBytes();
    this.inFlight = services.inFlight();
    this.slots = services.slots();
    this.limits = services.limits();
  }

  /**
   * Handles the upload of an authenticated caller. The request must still be paused: no body byte
   * may have been consumed. Either ends the response or fails the context with an {@link
   * ApiException}; when the client went away, it ends neither.
   */
  public void handle(RoutingContext ctx, Caller caller, FilePath path) {
    HttpServerRequest request = ctx.request();
    long started = System.nanoTime();
    Future<CommitResult> upload =
        Future.<Void>succeededFuture()
            .compose(v -> parse(request))
            .compose(headers -> receiveAndCommit(ctx, caller, path, headers));
    inFlight.track(upload);
    upload.onComplete(
        committed -> respond(ctx, path, committed, started), failure -> fail(ctx, failure));
  }

  private record UploadHeaders(
      Precondition precondition,
      Optional<String> expectedSha256,
      long contentLength,
      ConflictMode onConflict) {}

  private Future<UploadHeaders> parse(HttpServerRequest request) {
    Precondition precondition =
        Preconditions.parse(
            request.getHeader(HttpHeaders.IF_MATCH), request.getHeader(HttpHeaders.IF_NONE_MATCH));
    Optional<String> expectedSha256 =
        ContentDigest.expectedSha256(request.getHeader("Content-Digest"));
    long length = contentLength(request);
    if (length > maxFileBytes) {
      throw ApiException.tooLarge(
          "Content-Length " + length + " is larger than the limit of " + maxFileBytes + " bytes");
    }
    return Future.succeededFuture(
        new UploadHeaders(
            precondition,
            expectedSha256,
            length,
            ConflictMode.fromParameter(request.getParam("onConflict"))));
  }

  private static long contentLength(HttpServerRequest request) {
    String header = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (header == null) {
      return -1;
    }
    try {
      long length = Long.parseLong(header.trim());
      if (length < 0) {
        throw new NumberFormatException();
      }
      return length;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("invalid-content-length", "Content-Length is not a byte count");
    }
  }

  /**
   * Refuses what can be refused from the headers, waits for an upload slot (the request stays
   * paused meanwhile), then streams the body and commits. The slot is held until the upload is
   * over, however it ends.
   */
  private Future<CommitResult> receiveAndCommit(
      RoutingContext ctx, Caller caller, FilePath path, UploadHeaders headers) {
    return checkHeadEarly(caller, path, headers)
        .compose(
            allowance ->
                slots
                    .acquire(caller.userId())
                    .compose(
                        slot ->
                            streamAndCommit(ctx, caller, path, headers, allowance)
                                .andThen(done -> slot.release())));
  }

  private Future<CommitResult> streamAndCommit(
      RoutingContext ctx, Caller caller, FilePath path, UploadHeaders headers, long allowance) {
    String key = "blobs/" + UUID.randomUUID();
    acceptBody(ctx.request());
    return store
        .create(key, headers.contentLength())
        .compose(blob -> receive(ctx, caller, blob, headers, allowance))
        .compose(
            received ->
                commit(
                    ctx,
                    new CommitRequest(
                            caller,
                            path,
                            key,
                            received.size(),
                            received.sha256(),
                            headers.precondition(),
                            quotaBytes)
                        .withConflictMode(headers.onConflict())));
  }

  /**
   * Refuses a doomed upload before reading its body: a failing precondition, or a body the quota
   * cannot take. Returns how many bytes the quota allows this upload (the commit re-checks both
   * atomically).
   */
  private Future<Long> checkHeadEarly(Caller caller, FilePath path, UploadHeaders headers) {
    boolean quota = quotaBytes > 0;
    if (headers.precondition() instanceof Precondition.None && !quota) {
      return Future.succeededFuture(Long.MAX_VALUE);
    }
    Future<Optional<FileMeta>> head =
        metadata
            .get(new FileQuery(caller.userId(), path, OptionalLong.empty()))
            .map(stored -> Optional.of(stored.meta()))
            .recover(
                e ->
                    e instanceof ApiException api && api.status() == 404
                        ? Future.succeededFuture(Optional.<FileMeta>empty())
                        : Future.failedFuture(e));
    Future<Long> used = quota ? metadata.usedBytes(caller.userId()) : Future.succeededFuture(0L);
    return Future.all(head, used)
        .map(
            both -> {
              Optional<FileMeta> current = head.result();
              // a conflict becomes a copy, and content equal to the head is no conflict at all;
              // only what is certain to fail is refused before the body
              boolean identical =
                  current.isPresent()
                      && headers
                          .expectedSha256()
                          .map(sha -> sha.equalsIgnoreCase(current.get().sha256()))
                          .orElse(false);
              if (headers.onConflict() == ConflictMode.FAIL && !identical) {
                Preconditions.check(headers.precondition(), current);
              }
              if (!quota) {
                return Long.MAX_VALUE;
              }
              long replaced = current.map(FileMeta::size).orElse(0L);
              long allowance = Math.max(0, quotaBytes - used.result() + replaced);
              if (headers.contentLength() > allowance) {
                throw quotaExceeded(headers.contentLength(), used.result());
              }
              return allowance;
            });
  }

  private ApiException quotaExceeded(long size, long used) {
    return ApiException.insufficientStorage(
        "a body of "
            + size
            + " bytes does not fit the storage quota of "
            + quotaBytes
            + " bytes ("
            + used
            + " bytes used)");
  }

  private static void acceptBody(HttpServerRequest request) {
    if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
      request.response().writeContinue();
    }
  }

  private record Received(BlobSink blob, long size, String sha256) {}

  /**
   * Streams the body into the blob; on any failure the blob is aborted before the failure is
   * reported.
   */
  private Future<Received> receive(
      RoutingContext ctx, Caller caller, BlobSink blob, UploadHeaders headers, long allowance) {
    Future<Received> received;
    try {
      received = pipeBody(ctx.request(), caller, blob, headers, allowance);
    } catch (IllegalStateException e) {
      // the client reset the stream or closed the connection while the upload was being prepared
      received =
          Future.failedFuture(
              ctx.response().closed()
                  ? new HttpClosedException("the client left before the body was read")
                  : e);
    }
    return received.recover(
        e -> cleanUp(ctx, blob.abort()).transform(aborted -> Future.failedFuture(e)));
  }

  private Future<Received> pipeBody(
      HttpServerRequest request,
      Caller caller,
      BlobSink blob,
      UploadHeaders headers,
      long allowance) {
    HashingSink sink =
        new HashingSink(
            blob,
            Math.min(maxFileBytes, allowance),
            size ->
                size > maxFileBytes
                    ? ApiException.tooLarge(
                        "the body is larger than the limit of " + maxFileBytes + " bytes")
                    : ApiException.insufficientStorage(
                        "the body passed the "
                            + allowance
                            + " bytes the storage quota of "
                            + quotaBytes
                            + " bytes leaves for it"),
            metrics);
    // the user's upload rate: the request is paused while the user is over it
    return BodyPipe.into(limits.throttleUpload(caller.userId(), request), sink)
        .compose(
            v -> {
              String actual = sink.sha256Hex();
              if (headers.expectedSha256().isPresent()
                  && !headers.expectedSha256().get().equals(actual)) {
                return Future.failedFuture(
                    ApiException.badRequest(
                        "digest-mismatch",
                        "Content-Digest sha-256 does not match the body: expected "
                            + headers.expectedSha256().get()
                            + ", received "
                            + actual));
              }
              return Future.succeededFuture(new Received(blob, sink.size(), actual));
            });
  }

  /** Waits for a clean-up at most {@link #CLEANUP_WAIT_MS}; it keeps running after that. */
  private Future<Void> cleanUp(RoutingContext ctx, Future<Void> cleanup) {
    inFlight.track(cleanup);
    return Waiting.atMost(ctx.vertx(), cleanup, CLEANUP_WAIT_MS);
  }

  /**
   * Commits the revision. When the metadata verticle definitively refused (4xx, or 507 for the
   * quota), the blob is removed. When the outcome is unknown (timeout, database failure), the blob
   * stays: it may be referenced by a commit that did happen, and an unreferenced blob is only
   * garbage to sweep.
   */
  private Future<CommitResult> commit(RoutingContext ctx, CommitRequest request) {
    return metadata
        .commit(request)
        .recover(
            e -> {
              if (e instanceof ApiException api && (api.status() < 500 || api.status() == 507)) {
                return cleanUp(ctx, store.delete(request.blobKey()))
                    .transform(ignored -> Future.failedFuture(e));
              }
              return Future.failedFuture(e);
            })
        .compose(
            result ->
                result.outcome() == CommitResult.Outcome.UNCHANGED
                    ? store
                        .delete(request.blobKey())
                        .transform(
                            deleted -> {
                              if (deleted.failed()) {
                                LOG.warn(
                                    "unused blob {} of an unchanged upload was not deleted: {}",
                                    request.blobKey(),
                                    deleted.cause().getMessage());
                              }
                              return Future.succeededFuture(result);
                            })
                    : Future.succeededFuture(result));
  }

  private void respond(RoutingContext ctx, FilePath path, CommitResult result, long started) {
    metrics.uploadSucceeded(
        result.outcome().name().toLowerCase(java.util.Locale.ROOT),
        Duration.ofNanos(System.nanoTime() - started));
    if (ctx.response().closed()) {
      return;
    }
    FileMeta meta = result.meta();
    boolean copy = result.outcome() == CommitResult.Outcome.CONFLICT_COPY;
    countConflict(ctx, result);
    ctx.response()
        .setStatusCode(result.outcome() == CommitResult.Outcome.CREATED || copy ? 201 : 200)
        .putHeader(HttpHeaders.ETAG, meta.quotedEtag())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    if (result.outcome() == CommitResult.Outcome.CREATED) {
      ctx.response().putHeader(HttpHeaders.LOCATION, ctx.request().path());
    }
    JsonObject body = meta.toJson();
    if (copy) {
      // the content was saved next to the file it conflicted with, under the name in "path"
      body.put("conflictOf", path.value());
    }
    ctx.response().end(body.encode());
  }

  /** A stale base revision that still ended well: saved as a copy, or identical to the head. */
  private void countConflict(RoutingContext ctx, CommitResult result) {
    String ifMatch = ctx.request().getHeader(HttpHeaders.IF_MATCH);
    Conflicts.committed(
        metrics, ifMatch == null ? Precondition.NONE : Preconditions.parse(ifMatch, null), result);
  }

  private void fail(RoutingContext ctx, Throwable failure) {
    Conflicts.failed(metrics, failure);
    UploadFailures.answer(ctx, failure, metrics, inFlight.isDraining());
  }
}
