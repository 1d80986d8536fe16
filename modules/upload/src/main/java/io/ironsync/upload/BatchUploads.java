package io.ironsync.upload;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.Caller;
import io.ironsync.domain.FilePath;
import io.ironsync.metadata.BatchCommitRequest;
import io.ironsync.metadata.BatchCommitRequest.BatchItem;
import io.ironsync.metadata.BatchCommitResult;
import io.ironsync.metadata.Change;
import io.ironsync.metadata.Precondition;
import io.ironsync.storage.ObjectStore;
import io.ironsync.upload.impl.BodyPipe;
import io.ironsync.upload.impl.Conflicts;
import io.ironsync.upload.impl.HashingSink;
import io.ironsync.upload.impl.UploadFailures;
import io.ironsync.upload.impl.Waiting;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Many small files in one {@code multipart/form-data} request: each file part's {@code filename} is
 * the file's path (percent-encoded like a URL path), its bytes go to storage as they arrive, hashed
 * on the way, and once the request has ended all of them are committed in one metadata transaction
 * with a result per file. Parts are stored one after another, so memory stays that of one part's
 * stream. A part's form field name may carry its precondition ({@code ifMatch=<etag>}, {@code
 * ifNoneMatch=*}). A request that fails as a whole (malformed, too large, the client leaves,
 * storage fails) leaves no bytes behind; bytes of files whose commit failed are deleted.
 */
public final class BatchUploads {

  private static final Logger LOG = LoggerFactory.getLogger(BatchUploads.class);

  /** The largest file one batch part may carry: batches are for small files. */
  public static final long MAX_PART_BYTES = 64L << 20;

  /** The most bytes one batch request may carry in all. */
  public static final long MAX_BATCH_BYTES = 1L << 30;

  /** How long a failed batch waits for the part in flight to settle before deleting its bytes. */
  private static final long SETTLE_WAIT_MS = 10_000;

  /**
   * How long the answer to a failed batch waits for its clean-up, which goes on in the background
   * after that (shutdown still waits for it).
   */
  private static final long CLEANUP_WAIT_MS = 2_000;

  private final UploadServices services;
  private final ObjectStore store;

  public BatchUploads(UploadServices services) {
    this.services = services;
    this.store = services.store();
  }

  private record StoredPart(
      FilePath path, Precondition precondition, String key, long size, String sha256) {}

  /**
   * Receives and commits the parts of a paused multipart request; the batch takes one of the user's
   * upload slots while its bytes flow, which are throttled to the user's upload rate like any
   * upload's.
   */
  public Future<BatchCommitResult> receive(HttpServerRequest request, Caller caller) {
    Vertx vertx = Vertx.currentContext().owner();
    Future<BatchCommitResult> batch =
        services
            .slots()
            .acquire(caller.userId())
            .compose(slot -> storeParts(vertx, request, caller).andThen(done -> slot.release()))
            .compose(parts -> commit(caller, parts));
    services.inFlight().track(batch);
    return batch;
  }

  /**
   * Counts the files of a committed batch that met a newer revision than their precondition named;
   * also for batches of content already stored, which commit without this class.
   */
  public void countConflicts(List<BatchItem> items, BatchCommitResult result) {
    Conflicts.batch(services.metrics(), items, result);
  }

  /** Counts a failed batch and answers it like a failed upload; a client that left gets nothing. */
  public void fail(RoutingContext ctx, Throwable failure) {
    UploadFailures.answer(ctx, failure, services.metrics(), services.inFlight().isDraining());
  }

  private Future<List<StoredPart>> storeParts(
      Vertx vertx, HttpServerRequest request, Caller caller) {
    List<StoredPart> stored = new ArrayList<>();
    List<String> created = new ArrayList<>();
    Promise<List<StoredPart>> done = Promise.promise();
    Future<?>[] current = {Future.succeededFuture()};
    long[] total = {0};
    request.setExpectMultipart(true);
    request.uploadHandler(
        upload -> {
          upload.pause();
          if (done.future().isComplete()) {
            return;
          }
          Future<StoredPart> part =
              current[0].compose(previous -> storePart(vertx, upload, caller, created, total));
          current[0] = part;
          part.onSuccess(stored::add).onFailure(done::tryFail);
        });
    request.exceptionHandler(done::tryFail);
    request.endHandler(
        ended ->
            current[0].onSuccess(
                last -> {
                  if (stored.isEmpty()) {
                    done.tryFail(
                        ApiException.badRequest("invalid-batch", "the batch holds no file parts"));
                  } else {
                    done.tryComplete(List.copyOf(stored));
                  }
                }));
    request.resume();
    // a failed batch deletes what it stored once the part in flight has settled (a part being
    // completed in the store at that moment would otherwise escape the clean-up)
    return done.future()
        .recover(
            failure -> {
              Future<Void> cleanup =
                  Waiting.atMost(vertx, current[0], SETTLE_WAIT_MS)
                      .compose(settled -> deleteAll(created));
              services.inFlight().track(cleanup);
              return Waiting.atMost(vertx, cleanup, CLEANUP_WAIT_MS)
                  .transform(waited -> Future.failedFuture(failure));
            });
  }

  private Future<StoredPart> storePart(
      Vertx vertx, HttpServerFileUpload upload, Caller caller, List<String> created, long[] total) {
    if (created.size() >= BatchCommitRequest.MAX_ITEMS) {
      return Future.failedFuture(
          ApiException.badRequest(
              "batch-too-large",
              "a batch holds at most " + BatchCommitRequest.MAX_ITEMS + " files"));
    }
    String name = upload.filename();
    if (name == null || name.isEmpty()) {
      return Future.failedFuture(
          ApiException.badRequest(
              "invalid-batch", "every file part needs its path as the part's filename"));
    }
    FilePath path;
    Precondition precondition;
    try {
      path = FilePath.fromUrl(name.startsWith("/") ? name.substring(1) : name);
      precondition = Preconditions.fromPartName(upload.name());
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    long limit = Math.min(services.maxFileBytes(), MAX_PART_BYTES);
    String key = "blobs/" + UUID.randomUUID();
    created.add(key);
    return store
        .create(key, -1)
        .compose(
            blob -> {
              HashingSink sink =
                  new HashingSink(
                      blob,
                      Math.min(limit, MAX_BATCH_BYTES - total[0]),
                      size ->
                          ApiException.tooLarge(
                              "a batch carries files of at most "
                                  + limit
                                  + " bytes and "
                                  + MAX_BATCH_BYTES
                                  + " bytes in all"),
                      services.metrics());
              // the user's upload rate applies to batches as to any upload
              return BodyPipe.into(services.limits().throttleUpload(caller.userId(), upload), sink)
                  .recover(
                      failure -> {
                        // the answer waits a little for the abort, which goes on after that
                        Future<Void> abort = blob.abort();
                        services.inFlight().track(abort);
                        return Waiting.atMost(vertx, abort, CLEANUP_WAIT_MS)
                            .transform(waited -> Future.failedFuture(failure));
                      })
                  .map(
                      piped -> {
                        total[0] += sink.size();
                        return new StoredPart(
                            path, precondition, key, sink.size(), sink.sha256Hex());
                      });
            });
  }

  private Future<BatchCommitResult> commit(Caller caller, List<StoredPart> parts) {
    List<BatchItem> items =
        parts.stream()
            .map(p -> new BatchItem(p.path(), p.key(), p.size(), p.sha256(), p.precondition()))
            .toList();
    return services
        .metadata()
        .commitBatch(new BatchCommitRequest(caller, items, services.quotaBytes()))
        .compose(
            result -> {
              countConflicts(items, result);
              // nothing refers to the bytes of a file whose commit failed, nor to those of a file
              // whose content was already the head's (it got no journal entry)
              Set<String> changed =
                  result.changes().stream().map(Change::path).collect(Collectors.toSet());
              List<String> unused = new ArrayList<>();
              for (int i = 0; i < parts.size(); i++) {
                BatchCommitResult.ItemResult item = result.items().get(i);
                if (!item.committed() || !changed.contains(parts.get(i).path().value())) {
                  unused.add(parts.get(i).key());
                }
              }
              return deleteAll(unused).map(result);
            },
            failure -> {
              // a definite refusal stored nothing; after a timeout the commit may have happened
              if (failure instanceof ApiException api && api.status() < 500) {
                return deleteAll(parts.stream().map(StoredPart::key).toList())
                    .transform(deleted -> Future.failedFuture(failure));
              }
              return Future.failedFuture(failure);
            });
  }

  private Future<Void> deleteAll(List<String> keys) {
    List<Future<Void>> deletes = new ArrayList<>();
    for (String key : keys) {
      deletes.add(
          store
              .delete(key)
              .onFailure(
                  e -> LOG.warn("blob {} of a batch was not deleted: {}", key, e.toString())));
    }
    return Future.join(deletes).mapEmpty();
  }
}
