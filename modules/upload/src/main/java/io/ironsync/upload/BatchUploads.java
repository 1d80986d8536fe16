package io.ironsync.upload;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.Caller;
import io.ironsync.domain.FilePath;
import io.ironsync.metadata.BatchCommitRequest;
import io.ironsync.metadata.BatchCommitRequest.BatchItem;
import io.ironsync.metadata.BatchCommitResult;
import io.ironsync.metadata.MetadataClient;
import io.ironsync.metadata.Precondition;
import io.ironsync.observability.UploadMetrics;
import io.ironsync.ratelimit.UploadSlots;
import io.ironsync.storage.ObjectStore;
import io.ironsync.upload.impl.HashingSink;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Many small files in one {@code multipart/form-data} request: each file part's {@code filename} is
 * the file's path (percent-encoded like a URL path), its bytes go to storage as they arrive, hashed
 * on the way, and once the request has ended all of them are committed in one metadata transaction
 * with a result per file. Parts are stored one after another, so memory stays that of one part's
 * stream. A request that fails as a whole (malformed, too large, the client leaves, storage fails)
 * leaves no bytes behind; bytes of files whose commit failed are deleted.
 */
public final class BatchUploads {

  private static final Logger LOG = LoggerFactory.getLogger(BatchUploads.class);

  /** The largest file one batch part may carry: batches are for small files. */
  public static final long MAX_PART_BYTES = 64L << 20;

  /** The most bytes one batch request may carry in all. */
  public static final long MAX_BATCH_BYTES = 1L << 30;

  private final ObjectStore store;
  private final MetadataClient metadata;
  private final UploadMetrics metrics;
  private final long maxFileBytes;
  private final long quotaBytes;
  private final InFlightUploads inFlight;
  private final UploadSlots slots;

  public BatchUploads(
      ObjectStore store,
      MetadataClient metadata,
      UploadMetrics metrics,
      long maxFileBytes,
      long quotaBytes,
      InFlightUploads inFlight,
      UploadSlots slots) {
    this.store = store;
    this.metadata = metadata;
    this.metrics = metrics;
    this.maxFileBytes = maxFileBytes;
    this.quotaBytes = quotaBytes;
    this.inFlight = inFlight;
    this.slots = slots;
  }

  private record StoredPart(FilePath path, String key, long size, String sha256) {}

  /**
   * Receives and commits the parts of a paused multipart request; the batch takes one of the user's
   * upload slots while its bytes flow.
   */
  public Future<BatchCommitResult> receive(HttpServerRequest request, Caller caller) {
    Future<BatchCommitResult> batch =
        slots
            .acquire(caller.userId())
            .compose(slot -> storeParts(request).andThen(done -> slot.release()))
            .compose(parts -> commit(caller, parts));
    inFlight.track(batch);
    return batch;
  }

  private Future<List<StoredPart>> storeParts(HttpServerRequest request) {
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
              current[0].compose(previous -> storePart(upload, created, total));
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
    return done.future()
        .recover(failure -> deleteAll(created).transform(deleted -> Future.failedFuture(failure)));
  }

  private Future<StoredPart> storePart(
      HttpServerFileUpload upload, List<String> created, long[] total) {
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
    try {
      path = FilePath.fromUrl(name.startsWith("/") ? name.substring(1) : name);
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    long limit = Math.min(maxFileBytes, MAX_PART_BYTES);
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
                      metrics);
              return upload
                  .pipeTo(sink)
                  .recover(
                      failure -> blob.abort().transform(aborted -> Future.failedFuture(failure)))
                  .map(
                      piped -> {
                        total[0] += sink.size();
                        return new StoredPart(path, key, sink.size(), sink.sha256Hex());
                      });
            });
  }

  private Future<BatchCommitResult> commit(Caller caller, List<StoredPart> parts) {
    List<BatchItem> items =
        parts.stream()
            .map(p -> new BatchItem(p.path(), p.key(), p.size(), p.sha256(), Precondition.NONE))
            .toList();
    return metadata
        .commitBatch(new BatchCommitRequest(caller, items, quotaBytes))
        .compose(
            result -> {
              // nothing refers to the bytes of a file whose commit failed, nor to those of a file
              // whose content was already the head's (it got no journal entry)
              java.util.Set<String> changed =
                  result.changes().stream()
                      .map(io.ironsync.metadata.Change::path)
                      .collect(java.util.stream.Collectors.toSet());
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
