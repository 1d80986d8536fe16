package io.ironsync.storage.impl;

import io.ironsync.storage.BlobSink;
import io.ironsync.storage.BufferBudget;
import io.ironsync.storage.ObjectStoreException;
import io.ironsync.storage.ResumableSink;
import io.minio.messages.Part;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A blob of unknown (or more than single-PUT) size, uploaded as a multipart upload with a fixed
 * part size.
 *
 * <p>Bytes fill the current part; a full part is sent once the next byte arrives, so a blob that
 * ends exactly on a part boundary never needs an empty last part. At most one part is in flight
 * while the next fills: {@link #writeQueueFull()} turns true when the filling part is full while
 * another is still uploading, which bounds the memory of a sink to two parts (plus the one write a
 * well-behaved writer makes after the queue turned full). The multipart upload is created only when
 * the first part is sent: a blob that ends before filling a part goes up as one plain PUT.
 *
 * <p>Every part array is reserved from the node's {@link BufferBudget} before it is filled and
 * released when it is dropped; while the budget is spent, {@link #writeQueueFull()} holds the
 * writer back.
 *
 * <p>Every failure, and {@link #abort()}, aborts the multipart upload once no part is in flight any
 * more (S3 may otherwise keep a part that finished after the abort), and deletes the object if the
 * final request had been sent.
 *
 * <p>As a {@link ResumableSink} it continues a multipart upload from saved parts. A {@link
 * #checkpoint()} stores the bytes that do not fill a part as a small "tail" object, which the next
 * sink reads back as its first bytes; failures then never abort the multipart upload (its saved
 * parts belong to the upload, not to this sink) but only drop what this sink added.
 *
 * <p>Used from one context: the one that created it.
 */
final class S3MultipartSink implements ResumableSink {

  static final int MAX_PARTS = 10_000;

  /** A part stored in S3: enough to complete the upload and to know its size. */
  record StoredPart(int number, String etag, long size) {}

  /** Where a resumable upload stands: its multipart upload (if created yet) and saved parts. */
  record Resumption(String uploadId, List<StoredPart> parts) {}

  private final S3Operations s3;
  private final String key;
  private final long expectedSize;
  private final int partSize;
  private final BufferBudget budget;

  /** True while waiting for the budget to allow a new part array. */
  private boolean awaitingBudget;

  /** Bytes written while the current part is full and another one is still uploading. */
  private final ArrayDeque<Buffer> waiting = new ArrayDeque<>();

  private int waitingOffset;
  private PartBuffer current;
  private byte[] recycled;
  private int nextPartNumber = 1;
  private final List<StoredPart> parts = new ArrayList<>();
  private final boolean resumable;
  private boolean checkpointing;
  private boolean createdUploadHere;
  private String tailKey;
  private long tailSize;
  private Future<String> uploadId;
  private Future<Void> inFlight;
  private long written;
  private Promise<Void> ended;
  private Future<Void> completion;
  private boolean completed;
  private ObjectStoreException failure;
  private Future<Void> cleanup;
  private Handler<Throwable> exceptionHandler;
  private Handler<Void> drainHandler;

  /**
   * @param expectedSize the exact size, or -1 when unknown
   */
  S3MultipartSink(
      S3Operations s3, String key, long expectedSize, int partSize, BufferBudget budget) {
    this.s3 = s3;
    this.key = key;
    this.expectedSize = expectedSize;
    this.partSize = partSize;
    this.budget = budget;
    this.resumable = false;
  }

  /** A resumable sink continuing from {@code from}; its tail is written to it by the store. */
  S3MultipartSink(S3Operations s3, String key, int partSize, BufferBudget budget, Resumption from) {
    this.s3 = s3;
    this.key = key;
    this.expectedSize = -1;
    this.partSize = partSize;
    this.budget = budget;
    this.resumable = true;
    this.parts.addAll(from.parts());
    this.nextPartNumber = parts.isEmpty() ? 1 : parts.get(parts.size() - 1).number() + 1;
    if (from.uploadId() != null) {
      this.uploadId = Future.succeededFuture(from.uploadId());
    }
  }

  @Override
  public Future<Void> write(Buffer data) {
    if (failure != null) {
      return Future.failedFuture(failure);
    }
    if (ended != null) {
      return Future.failedFuture(new IllegalStateException("write after end of blob " + key));
    }
    if (expectedSize >= 0 && written + data.length() > expectedSize) {
      refuse("blob " + key + " got more than the " + expectedSize + " bytes announced");
      return Future.failedFuture(failure);
    }
    written += data.length();
    if (data.length() > 0) {
      waiting.add(data);
      pump();
    }
    return failure == null ? Future.succeededFuture() : Future.failedFuture(failure);
  }

  @Override
  public Future<Void> end() {
    if (failure != null) {
      return Future.failedFuture(failure);
    }
    if (ended != null) {
      return ended.future();
    }
    if (expectedSize >= 0 && written != expectedSize) {
      refuse(
          "blob "
              + key
              + " ended after "
              + written
              + " of the "
              + expectedSize
              + " bytes announced");
      return Future.failedFuture(failure);
    }
    ended = Promise.promise();
    pump();
    return ended.future();
  }

  @Override
  public Future<JsonObject> checkpoint() {
    if (!resumable) {
      return Future.failedFuture(new IllegalStateException("blob " + key + " is not resumable"));
    }
    if (failure != null) {
      return Future.failedFuture(failure);
    }
    if (ended != null) {
      return Future.failedFuture(new IllegalStateException("blob " + key + " has ended"));
    }
    checkpointing = true;
    ended = Promise.promise();
    pump();
    return ended.future().map(v -> state());
  }

  /** The saved state: parts in order, the tail, and the bytes they hold together. */
  private JsonObject state() {
    JsonArray saved = new JsonArray();
    long size = tailSize;
    for (StoredPart part : parts) {
      saved.add(
          new JsonObject()
              .put("n", part.number())
              .put("etag", part.etag())
              .put("size", part.size()));
      size += part.size();
    }
    JsonObject state = new JsonObject().put("size", size).put("parts", saved);
    if (uploadId != null) {
      state.put("uploadId", uploadId.result());
    }
    if (tailKey != null) {
      state.put("tailKey", tailKey).put("tailSize", tailSize);
    }
    return state;
  }

  @Override
  public Future<Void> abort() {
    if (cleanup == null) {
      refuse("upload of blob " + key + " aborted");
    }
    return cleanup;
  }

  @Override
  public boolean writeQueueFull() {
    return failure == null
        && (awaitingBudget || (inFlight != null && current != null && current.isFull()));
  }

  @Override
  public BlobSink drainHandler(Handler<Void> handler) {
    drainHandler = handler;
    return this;
  }

  @Override
  public BlobSink exceptionHandler(Handler<Throwable> handler) {
    exceptionHandler = handler;
    return this;
  }

  /** The limit is the part size, fixed by configuration. */
  @Override
  public BlobSink setWriteQueueMaxSize(int maxSize) {
    return this;
  }

  /** Moves waiting bytes into parts as far as the one-part-in-flight rule allows. */
  private void pump() {
    while (failure == null && !waiting.isEmpty()) {
      if (current != null && current.isFull()) {
        if (inFlight != null) {
          return;
        }
        sendCurrentPart();
        continue;
      }
      if (current == null && !takePartArray()) {
        return;
      }
      Buffer head = waiting.peek();
      waitingOffset += current.fill(head, waitingOffset);
      if (waitingOffset == head.length()) {
        waiting.poll();
        waitingOffset = 0;
      }
    }
    if (failure == null && ended != null && inFlight == null && completion == null) {
      finish();
    }
  }

  /**
   * Starts a new part in the recycled array or in a newly reserved one. Returns false when the
   * budget makes it wait; the pump goes on when the reservation is granted.
   */
  private boolean takePartArray() {
    if (recycled != null) {
      current = new PartBuffer(partSize, recycled);
      recycled = null;
      return true;
    }
    if (awaitingBudget) {
      return false;
    }
    Future<Void> reservation = budget.reserve(partSize);
    if (reservation.isComplete()) {
      current = new PartBuffer(partSize, null);
      return true;
    }
    awaitingBudget = true;
    reservation.onComplete(
        granted -> {
          awaitingBudget = false;
          if (failure != null) {
            budget.release(partSize);
            return;
          }
          current = new PartBuffer(partSize, null);
          pump();
          if (!writeQueueFull() && drainHandler != null) {
            drainHandler.handle(null);
          }
        });
    return false;
  }

  private void sendCurrentPart() {
    if (nextPartNumber > MAX_PARTS) {
      refuse("blob " + key + " is larger than " + MAX_PARTS + " parts of " + partSize + " bytes");
      return;
    }
    PartBuffer part = current;
    current = null;
    int number = nextPartNumber++;
    if (uploadId == null) {
      uploadId = s3.createMultipart(key);
      createdUploadHere = true;
    }
    int length = part.length();
    Future<Void> upload =
        uploadId
            .compose(id -> s3.uploadPart(key, id, number, part.bytes(), length))
            .map(
                etag -> {
                  parts.add(new StoredPart(number, etag, length));
                  return null;
                });
    inFlight = upload;
    upload.onComplete(
        ar -> {
          boolean wasFull = writeQueueFull();
          inFlight = null;
          // an array already waited for in the budget queue must not also be recycled
          if (ar.succeeded() && failure == null && recycled == null && !awaitingBudget) {
            recycled = part.bytes();
          } else {
            budget.release(partSize);
          }
          if (ar.failed()) {
            fail(ar.cause());
            return;
          }
          pump();
          if (wasFull && !writeQueueFull() && drainHandler != null) {
            drainHandler.handle(null);
          }
        });
  }

  /** Called once every byte is in {@link #current} and no part is in flight. */
  private void finish() {
    if (checkpointing) {
      // more bytes follow a checkpoint, so a full part goes up as a part, not as a tail
      if (current != null && current.isFull()) {
        sendCurrentPart();
        return;
      }
      saveTail();
      return;
    }
    if (uploadId == null) {
      completion =
          current == null
              ? s3.putBytes(key, new byte[0], 0)
              : s3.putBytes(key, current.bytes(), current.length());
    } else if (current != null) {
      sendCurrentPart();
      return;
    } else {
      List<Part> all = parts.stream().map(p -> new Part(p.number(), p.etag())).toList();
      completion = uploadId.compose(id -> s3.completeMultipart(key, id, all));
    }
    completion.onComplete(
        ar -> {
          completed = ar.succeeded();
          if (failure != null) {
            return;
          }
          if (ar.failed()) {
            fail(ar.cause());
            return;
          }
          releaseHeldArrays();
          ended.tryComplete();
        });
  }

  /** A checkpoint: the bytes that do not fill a part go to a new tail object. */
  private void saveTail() {
    if (current == null || current.length() == 0) {
      completion = Future.succeededFuture();
    } else {
      tailKey = key + ".tail-" + UUID.randomUUID();
      tailSize = current.length();
      completion = s3.putBytes(tailKey, current.bytes(), current.length());
    }
    completion.onComplete(
        ar -> {
          if (failure != null) {
            return;
          }
          if (ar.failed()) {
            fail(ar.cause());
            return;
          }
          releaseHeldArrays();
          ended.tryComplete();
        });
  }

  /** A failure of the store itself: the writer also hears of it through the exception handler. */
  private void fail(Throwable cause) {
    if (failure == null) {
      stop(S3Failures.wrap("S3 upload of " + key, cause), true);
    }
  }

  /** The caller broke the contract or gave up; it learns of that from the future it holds. */
  private void refuse(String reason) {
    stop(new ObjectStoreException(reason, null), false);
  }

  /**
   * Drops the buffered parts at once (the memory matters more than the bytes now) and starts the
   * clean-up that {@link #abort()} returns.
   */
  private void stop(ObjectStoreException cause, boolean notify) {
    if (failure != null) {
      return;
    }
    failure = cause;
    waiting.clear();
    releaseHeldArrays();
    cleanup = cleanUp();
    if (ended != null) {
      ended.tryFail(failure);
    }
    if (notify && exceptionHandler != null) {
      exceptionHandler.handle(failure);
    }
    // A writer paused on writeQueueFull() must wake up to see a failure of the store. A caller
    // that aborted knows already, and its drain handler may belong to a pipe that is gone.
    if (notify && drainHandler != null) {
      drainHandler.handle(null);
    }
  }

  /** Drops the filling and the recycled array; the one in flight is released when it settles. */
  private void releaseHeldArrays() {
    if (current != null) {
      current = null;
      budget.release(partSize);
    }
    if (recycled != null) {
      recycled = null;
      budget.release(partSize);
    }
  }

  private Future<Void> cleanUp() {
    boolean mayBeStored = completion != null;
    if (resumable) {
      // the saved parts stay: only what this sink added goes (parts past the saved state are
      // replaced by the next sink's or dropped with the upload), including a multipart upload it
      // started, which no saved state knows of
      String tail = tailKey;
      return settled(inFlight)
          .compose(v -> settled(completion))
          .compose(v -> createdUploadHere ? abortUpload() : Future.succeededFuture())
          .compose(
              v ->
                  tail != null
                      ? s3.remove(tail)
                      : mayBeStored && !checkpointing ? s3.remove(key) : Future.succeededFuture());
    }
    return settled(inFlight)
        .compose(v -> settled(completion))
        .compose(v -> abortUpload())
        .compose(v -> mayBeStored ? s3.remove(key) : Future.succeededFuture());
  }

  private Future<Void> abortUpload() {
    if (uploadId == null) {
      return Future.succeededFuture();
    }
    return uploadId.transform(
        ar ->
            ar.succeeded() && !completed
                ? s3.abortMultipart(key, ar.result())
                : Future.succeededFuture());
  }

  private static Future<Void> settled(Future<?> future) {
    return future == null
        ? Future.succeededFuture()
        : future.transform(ar -> Future.succeededFuture());
  }
}
