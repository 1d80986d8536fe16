package io.ironsync.resumable.impl;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.Caller;
import io.ironsync.domain.FileMeta;
import io.ironsync.domain.FilePath;
import io.ironsync.metadata.CommitRequest;
import io.ironsync.metadata.CommitResult;
import io.ironsync.metadata.ConflictMode;
import io.ironsync.metadata.Precondition;
import io.ironsync.metadata.ResumableUpload;
import io.ironsync.metadata.SaveUpload;
import io.ironsync.storage.ResumableSink;
import io.ironsync.upload.UploadServices;
import io.ironsync.upload.impl.BodyPipe;
import io.ironsync.upload.impl.Conflicts;
import io.ironsync.upload.impl.UploadFailures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request body written into a resumable upload, as one stretch: take the upload's lease, check
 * the offset, stream the body into the store (throttled, hashed, within the length), then either
 * checkpoint (the saved state moves only now, so a refused or lost stretch never counts) or, on the
 * last byte, end the object and commit it like a PUT.
 *
 * <p>A client that goes away keeps what arrived (unless the stretch carried a checksum, which can
 * then not be checked); a checksum mismatch keeps nothing (460).
 */
public final class Stretch {

  private static final Logger LOG = LoggerFactory.getLogger(Stretch.class);

  /**
   * What a stretch achieved.
   *
   * @param committed the file the upload became, when this stretch carried its last byte
   */
  public record Outcome(ResumableUpload upload, long offset, FileMeta committed) {}

  private final UploadServices services;
  private final Duration lease;

  public Stretch(UploadServices services, Duration lease) {
    this.services = services;
    this.lease = lease;
  }

  /**
   * @param offset where the client says the body starts; 409 when the upload is elsewhere
   * @param length a length the client states now for a deferred upload, or -1
   */
  public Future<Outcome> write(
      RoutingContext ctx,
      Caller caller,
      ResumableUpload upload,
      long offset,
      long length,
      TusHeaders.Checksum checksum) {
    String owner = "stretch-" + UUID.randomUUID();
    return services
        .metadata()
        .claimUpload(caller.userId(), upload.id(), owner, lease)
        .compose(
            claimed -> {
              Renewal renewal = new Renewal(ctx.vertx(), upload, owner);
              return checked(ctx, caller, claimed, owner, offset, length, checksum, renewal)
                  .andThen(done -> renewal.stop())
                  .recover(
                      failure ->
                          services
                              .metadata()
                              .releaseUpload(caller.userId(), upload.id(), owner)
                              .transform(released -> Future.failedFuture(failure)));
            });
  }

  private Future<Outcome> checked(
      RoutingContext ctx,
      Caller caller,
      ResumableUpload upload,
      String owner,
      long offset,
      long length,
      TusHeaders.Checksum checksum,
      Renewal renewal) {
    if (upload.offset() != offset) {
      ctx.response().putHeader(TusHeaders.UPLOAD_OFFSET, Long.toString(upload.offset()));
      return Future.failedFuture(
          ApiException.conflict(
              "offset-mismatch",
              "the upload is at offset " + upload.offset() + ", not " + offset + "; resume there"));
    }
    if (length >= 0 && upload.length() != ResumableUpload.DEFERRED && length != upload.length()) {
      return Future.failedFuture(
          ApiException.badRequest(
              "invalid-upload-length",
              "Upload-Length is " + upload.length() + " already and cannot change"));
    }
    long total = upload.length() != ResumableUpload.DEFERRED ? upload.length() : length;
    if (total >= 0 && total < upload.offset()) {
      return Future.failedFuture(
          ApiException.badRequest(
              "invalid-upload-length", "Upload-Length is below the bytes already uploaded"));
    }
    return services
        .slots()
        .acquire(caller.userId())
        .compose(
            slot ->
                services
                    .store()
                    .resume(upload.blobKey(), upload.storeState())
                    .compose(
                        sink ->
                            stream(
                                ctx, caller, upload, owner, length, total, checksum, sink, renewal))
                    .andThen(done -> slot.release()));
  }

  private Future<Outcome> stream(
      RoutingContext ctx,
      Caller caller,
      ResumableUpload upload,
      String owner,
      long statedLength,
      long total,
      TusHeaders.Checksum checksum,
      ResumableSink sink,
      Renewal renewal) {
    HttpServerRequest request = ctx.request();
    long limit = total >= 0 ? total - upload.offset() : services.maxFileBytes() - upload.offset();
    ResumableDigest digest = ResumableDigest.restore(upload.digestState());
    MessageDigest sum = checksum == null ? null : checksum.newDigest();
    StretchSink body =
        new StretchSink(
            sink,
            limit,
            size ->
                ApiException.tooLarge(
                    total >= 0
                        ? "the body goes past the Upload-Length of " + total + " bytes"
                        : "the upload goes past the limit of "
                            + services.maxFileBytes()
                            + " bytes"),
            digest,
            sum,
            services.metrics());
    if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
      request.response().writeContinue();
    }
    Future<Void> piped =
        BodyPipe.into(services.limits().throttleUpload(caller.userId(), request), body);
    // the body is in: no renewal may re-take the lease after the save below has ended it
    Future<Outcome> outcome =
        piped
            .transform(ar -> renewal.stop().transform(stopped -> Future.succeededFuture(ar)))
            .compose(
                ar -> {
                  long reached = upload.offset() + body.size();
                  if (ar.failed()) {
                    return keepWhatArrived(
                        ar.cause(),
                        upload,
                        owner,
                        statedLength,
                        sink,
                        digest,
                        reached,
                        checksum != null);
                  }
                  if (sum != null && !MessageDigest.isEqual(sum.digest(), checksum.expected())) {
                    return sink.abort()
                        .transform(
                            aborted ->
                                Future.failedFuture(
                                    ApiException.of(
                                        460,
                                        "checksum-mismatch",
                                        "Checksum mismatch",
                                        "the body does not match its Upload-Checksum "
                                            + checksum.algorithm()
                                            + "; it was discarded, resume at offset "
                                            + upload.offset())));
                  }
                  if (total >= 0 && reached == total) {
                    return upload.kind() == ResumableUpload.Kind.PARTIAL
                        ? completePartial(upload, owner, statedLength, sink, digest, reached)
                        : finish(caller, upload, owner, sink, digest, reached);
                  }
                  return checkpoint(upload, owner, statedLength, sink, digest, reached, false);
                });
    services.inFlight().track(outcome);
    return outcome;
  }

  /**
   * A stretch cut short: when the client left (or reset the stream) and the bytes cannot be wrong,
   * what arrived is kept, so the client resumes after it; anything else drops the stretch.
   */
  private Future<Outcome> keepWhatArrived(
      Throwable cause,
      ResumableUpload upload,
      String owner,
      long statedLength,
      ResumableSink sink,
      ResumableDigest digest,
      long reached,
      boolean hadChecksum) {
    boolean clientLeft = UploadFailures.isClientGone(cause);
    if (clientLeft && !hadChecksum && reached > upload.offset()) {
      return checkpoint(upload, owner, statedLength, sink, digest, reached, true)
          .transform(kept -> Future.failedFuture(cause));
    }
    return sink.abort().transform(aborted -> Future.failedFuture(cause));
  }

  /** Makes the stretch durable, then moves the saved state; a refused save drops the stretch. */
  private Future<Outcome> checkpoint(
      ResumableUpload upload,
      String owner,
      long statedLength,
      ResumableSink sink,
      ResumableDigest digest,
      long reached,
      boolean clientLeft) {
    return sink.checkpoint()
        .compose(
            state ->
                save(upload, owner, reached, statedLength, state, digest)
                    .recover(
                        failure -> {
                          // a definite refusal: the old state stands, so what this stretch stored
                          // goes; after a timeout the save may have happened, so it stays
                          boolean refused =
                              failure instanceof ApiException api && api.status() < 500;
                          return (refused ? sink.abort() : Future.<Void>succeededFuture())
                              .transform(dropped -> Future.failedFuture(failure));
                        })
                    .compose(
                        saved ->
                            services
                                .store()
                                .releaseSuperseded(upload.storeState(), state)
                                .recover(e -> released(upload, e))
                                .map(v -> new Outcome(saved, reached, null))))
        .onSuccess(
            kept -> {
              if (clientLeft) {
                LOG.debug(
                    "upload {} kept {} bytes of a body whose client left", upload.id(), reached);
              }
            });
  }

  /** Moves the saved state from where this stretch started to {@code reached}; ends the lease. */
  private Future<ResumableUpload> save(
      ResumableUpload upload,
      String owner,
      long reached,
      long statedLength,
      JsonObject state,
      ResumableDigest digest) {
    return services
        .metadata()
        .saveUpload(
            new SaveUpload(
                upload.userId(),
                upload.id(),
                owner,
                upload.offset(),
                reached,
                statedLength,
                state,
                digest.state(),
                true));
  }

  /**
   * Keeps a PATCH's lease while its body streams, renewing it every third of its length. {@link
   * #stop()} also waits for a renewal already on its way, so none can land after the save that ends
   * the lease (the client's next PATCH would then find the upload locked).
   */
  private final class Renewal {

    private final Vertx vertx;
    private final long timer;
    private Future<?> inFlight = Future.succeededFuture();

    Renewal(Vertx vertx, ResumableUpload upload, String owner) {
      this.vertx = vertx;
      this.timer =
          vertx.setPeriodic(
              Math.max(1000, lease.toMillis() / 3),
              t ->
                  inFlight =
                      services
                          .metadata()
                          .claimUpload(upload.userId(), upload.id(), owner, lease)
                          .onFailure(
                              e ->
                                  LOG.warn(
                                      "upload {} lease not renewed: {}",
                                      upload.id(),
                                      e.toString())));
    }

    Future<Void> stop() {
      vertx.cancelTimer(timer);
      return inFlight.transform(done -> Future.succeededFuture());
    }
  }

  private static Future<Void> released(ResumableUpload upload, Throwable e) {
    LOG.warn("upload {}: a superseded tail was not deleted: {}", upload.id(), e.toString());
    return Future.succeededFuture();
  }

  /**
   * The last byte of a partial upload of a concatenation: its object is completed and waits for a
   * final upload to use it. Its digest state stays, so the final one continues from it.
   */
  private Future<Outcome> completePartial(
      ResumableUpload upload,
      String owner,
      long statedLength,
      ResumableSink sink,
      ResumableDigest digest,
      long size) {
    return sink.end()
        .compose(
            ended -> save(upload, owner, size, statedLength, ResumableSink.emptyState(), digest))
        .compose(
            saved ->
                services
                    .store()
                    .releaseSuperseded(upload.storeState(), ResumableSink.emptyState())
                    .recover(e -> released(upload, e))
                    .map(v -> new Outcome(saved, size, null)));
  }

  /** The last byte arrived: the object is completed and committed exactly like a PUT. */
  private Future<Outcome> finish(
      Caller caller,
      ResumableUpload upload,
      String owner,
      ResumableSink sink,
      ResumableDigest digest,
      long size) {
    String sha256 = digest.finishHex();
    return sink.end().compose(ended -> commit(caller, upload, owner, size, sha256));
  }

  /**
   * Commits an upload whose object is complete under its blob key, exactly like a PUT (same
   * preconditions, journal entry and notification), and records the revision on the upload. A
   * refused commit (precondition, quota) ends the upload: its object and record go.
   */
  public Future<Outcome> commit(
      Caller caller, ResumableUpload upload, String owner, long size, String sha256) {
    CommitRequest commit =
        new CommitRequest(
            caller,
            FilePath.of(upload.path()),
            upload.blobKey(),
            size,
            sha256,
            precondition(upload.precondition()),
            services.quotaBytes(),
            ConflictMode.valueOf(upload.onConflict().toUpperCase(Locale.ROOT)));
    return services
        .metadata()
        .commit(commit)
        .compose(
            result -> {
              Conflicts.committed(services.metrics(), commit.precondition(), result);
              Future<Void> unused =
                  result.outcome() == CommitResult.Outcome.UNCHANGED
                      ? services.store().delete(upload.blobKey())
                      : Future.succeededFuture();
              return unused
                  .recover(e -> released(upload, e))
                  .compose(
                      v ->
                          services
                              .metadata()
                              .markCommitted(
                                  upload.userId(),
                                  upload.id(),
                                  owner,
                                  result.meta().etag(),
                                  result.meta().rev()))
                  .compose(
                      marked ->
                          services
                              .store()
                              .releaseSuperseded(upload.storeState(), ResumableSink.emptyState())
                              .recover(e -> released(upload, e))
                              .map(v -> new Outcome(marked, size, result.meta())));
            },
            failure -> {
              Conflicts.failed(services.metrics(), failure);
              if (failure instanceof ApiException api
                  && (api.status() < 500 || api.status() == 507)) {
                return services
                    .store()
                    .delete(upload.blobKey())
                    .compose(
                        v -> services.metadata().releaseUpload(upload.userId(), upload.id(), owner))
                    .compose(v -> services.metadata().deleteUpload(upload.userId(), upload.id()))
                    .compose(
                        deleted -> services.store().discard(upload.blobKey(), upload.storeState()))
                    .transform(cleaned -> Future.failedFuture(failure));
              }
              return Future.failedFuture(failure);
            });
  }

  private static Precondition precondition(String text) {
    if (text == null) {
      return Precondition.NONE;
    }
    return text.equals("*") ? new Precondition.IfNoneExists() : new Precondition.IfMatch(text);
  }
}
