package io.ironsync.resumable.impl;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.Caller;
import io.ironsync.metadata.ResumableUpload;
import io.ironsync.metadata.SaveUpload;
import io.ironsync.storage.ObjectStore;
import io.ironsync.storage.ResumableSink;
import io.ironsync.upload.UploadServices;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tus concatenation extension: partial uploads, sent in parallel, become one file when a final
 * upload names them. The final object is composed inside the store (S3 multipart copy), so no byte
 * is uploaded twice; its SHA-256 continues from the first partial's saved digest over the others'
 * bytes. The file is then committed like a PUT and the partial uploads are removed.
 */
public final class Concatenation {

  private static final Logger LOG = LoggerFactory.getLogger(Concatenation.class);
  private static final String PREFIX = "/v1/uploads/";

  private final UploadServices services;
  private final Stretch stretch;
  private final Duration lease;

  public Concatenation(UploadServices services, Stretch stretch, Duration lease) {
    this.services = services;
    this.stretch = stretch;
    this.lease = lease;
  }

  /**
   * The upload ids of {@code Upload-Concat: final;<url> <url> ...}; each URL is an upload's
   * location, absolute or not.
   */
  public static List<String> partialIds(String header) {
    String urls = header.substring("final;".length()).trim();
    if (urls.isEmpty()) {
      throw ApiException.badRequest(
          "invalid-upload-concat", "Upload-Concat: final; must list the partial uploads");
    }
    List<String> ids = new ArrayList<>();
    for (String url : urls.split(" +")) {
      int at = url.indexOf(PREFIX);
      String id = at < 0 ? "" : url.substring(at + PREFIX.length());
      if (id.isEmpty() || id.contains("/")) {
        throw ApiException.badRequest(
            "invalid-upload-concat", "'" + url + "' is not the location of an upload");
      }
      ids.add(id);
    }
    return ids;
  }

  /** Checks the partials, then creates, composes and commits the final upload. */
  public Future<Stretch.Outcome> finalUpload(
      Caller caller, ResumableUpload template, List<String> ids) {
    return services
        .metadata()
        .getUploads(caller.userId(), ids)
        .compose(
            partials -> {
              long total = 0;
              for (ResumableUpload partial : partials) {
                if (partial.kind() != ResumableUpload.Kind.PARTIAL) {
                  return Future.failedFuture(
                      ApiException.badRequest(
                          "not-a-partial-upload",
                          "upload "
                              + partial.id()
                              + " was not created with Upload-Concat: partial"));
                }
                if (partial.lengthDeferred()
                    || partial.offset() != partial.length()
                    || partial.expiresAt().isBefore(Instant.now())) {
                  return Future.failedFuture(
                      ApiException.badRequest(
                          "partial-upload-incomplete",
                          "upload "
                              + partial.id()
                              + " is not complete yet; finish every partial upload first"));
                }
                total += partial.length();
              }
              if (total > services.maxFileBytes()) {
                return Future.failedFuture(
                    ApiException.tooLarge(
                        "the partial uploads add up to "
                            + total
                            + " bytes, more than the limit of "
                            + services.maxFileBytes()));
              }
              ResumableUpload fresh = withLength(template, total, ids);
              return services
                  .metadata()
                  .createUpload(fresh)
                  .compose(created -> assemble(caller, created, partials));
            });
  }

  private static ResumableUpload withLength(ResumableUpload t, long total, List<String> ids) {
    return new ResumableUpload(
        t.id(),
        t.userId(),
        t.deviceId(),
        t.path(),
        total,
        0,
        ResumableUpload.Kind.FINAL,
        t.storeState(),
        null,
        t.blobKey(),
        t.uploadMetadata(),
        t.precondition(),
        t.onConflict(),
        ids,
        t.expiresAt(),
        t.createdAt(),
        null,
        0);
  }

  private Future<Stretch.Outcome> assemble(
      Caller caller, ResumableUpload upload, List<ResumableUpload> partials) {
    String owner = "concat-" + UUID.randomUUID();
    // an empty partial upload never stored an object
    List<ObjectStore.Piece> pieces =
        partials.stream()
            .filter(p -> p.length() > 0)
            .map(p -> new ObjectStore.Piece(p.blobKey(), p.length()))
            .toList();
    Future<Stretch.Outcome> done =
        services
            .metadata()
            .claimUpload(caller.userId(), upload.id(), owner, lease)
            .compose(
                claimed ->
                    pieces.isEmpty()
                        ? services.store().create(upload.blobKey(), 0).compose(sink -> sink.end())
                        : services.store().compose(upload.blobKey(), pieces))
            .compose(composed -> digest(partials))
            .compose(
                sha256 ->
                    services
                        .metadata()
                        .saveUpload(
                            new SaveUpload(
                                upload.userId(),
                                upload.id(),
                                owner,
                                0,
                                upload.length(),
                                ResumableUpload.DEFERRED,
                                ResumableSink.emptyState(),
                                null,
                                false))
                        .compose(
                            saved -> stretch.commit(caller, saved, owner, upload.length(), sha256)))
            .onSuccess(outcome -> removePartials(caller, partials))
            .recover(failure -> abandon(upload, owner, failure));
    services.inFlight().track(done);
    return done;
  }

  /**
   * A final upload that could not be assembled is not left half-made: it cannot be continued (PATCH
   * is not allowed on it), so it goes, and the client may send it again. A commit that was refused
   * has cleaned up already.
   */
  private Future<Stretch.Outcome> abandon(ResumableUpload upload, String owner, Throwable failure) {
    return services
        .metadata()
        .releaseUpload(upload.userId(), upload.id(), owner)
        .compose(v -> services.metadata().deleteUpload(upload.userId(), upload.id()))
        .compose(deleted -> services.store().delete(upload.blobKey()))
        .transform(cleaned -> Future.failedFuture(failure));
  }

  /** The first partial's digest state covers its bytes; the others' bytes are read and hashed. */
  private Future<String> digest(List<ResumableUpload> partials) {
    ResumableDigest digest = ResumableDigest.restore(partials.get(0).digestState());
    Future<Void> hashed = Future.succeededFuture();
    for (ResumableUpload partial : partials.subList(1, partials.size())) {
      if (partial.length() == 0) {
        continue;
      }
      hashed =
          hashed.compose(
              v ->
                  services
                      .store()
                      .read(partial.blobKey(), null)
                      .compose(
                          reader -> {
                            Promise<Void> read = Promise.promise();
                            reader.handler(digest::update);
                            reader.exceptionHandler(read::tryFail);
                            reader.endHandler(end -> read.tryComplete());
                            reader.resume();
                            return read.future();
                          }));
    }
    return hashed.map(v -> digest.finishHex());
  }

  /** Partial uploads are used up by the final one: records and objects go (best effort). */
  private void removePartials(Caller caller, List<ResumableUpload> partials) {
    for (ResumableUpload partial : partials) {
      Future<Void> removed =
          services
              .metadata()
              .deleteUpload(caller.userId(), partial.id())
              .compose(deleted -> services.store().delete(partial.blobKey()))
              .onFailure(
                  e ->
                      LOG.warn(
                          "partial upload {} was not removed (expiry or the orphan sweep will): {}",
                          partial.id(),
                          e.toString()));
      services.inFlight().track(removed);
    }
  }
}
