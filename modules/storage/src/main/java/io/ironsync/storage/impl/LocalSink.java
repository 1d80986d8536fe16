package io.ironsync.storage.impl;

import io.ironsync.storage.BlobSink;
import io.ironsync.storage.ObjectStoreException;
import io.ironsync.storage.ResumableSink;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A blob being written to a temp file; {@link #end()} moves it under its key. Backpressure is the
 * file's write queue. Used from the context that created it.
 *
 * <p>As a {@link ResumableSink} the file is the upload's own, kept across sinks: it was cut back to
 * the saved size before this sink opened it, {@link #checkpoint()} forces it to disk, and {@link
 * #abort()} leaves it (bytes past the saved size are cut off by the next sink).
 */
final class LocalSink implements ResumableSink {

  private final LocalObjectStore store;
  private final String key;
  private final long expectedSize;
  private final AsyncFile file;
  private final Path tempFile;
  private final Path target;
  private final long start = System.nanoTime();
  private final boolean resumable;
  private final long startSize;
  private boolean checkpointing;

  private long written;
  private Future<Void> publishing;
  private Future<Void> ended;
  private ObjectStoreException failure;
  private Future<Void> cleanup;
  private Handler<Throwable> exceptionHandler;
  private Handler<Void> drainHandler;

  LocalSink(
      LocalObjectStore store,
      String key,
      long expectedSize,
      AsyncFile file,
      Path tempFile,
      Path target) {
    this.store = store;
    this.key = key;
    this.expectedSize = expectedSize;
    this.file = file;
    this.tempFile = tempFile;
    this.target = target;
    this.resumable = false;
    this.startSize = 0;
    file.exceptionHandler(this::fail);
  }

  /** A resumable sink appending to an upload's file that holds {@code startSize} bytes. */
  LocalSink(
      LocalObjectStore store,
      String key,
      AsyncFile file,
      Path uploadFile,
      Path target,
      long startSize) {
    this.store = store;
    this.key = key;
    this.expectedSize = -1;
    this.file = file;
    this.tempFile = uploadFile;
    this.target = target;
    this.resumable = true;
    this.startSize = startSize;
    file.exceptionHandler(this::fail);
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
    Future<Void> durable = store.fsync() ? file.flush() : Future.succeededFuture();
    publishing = durable.compose(v -> file.close());
    ended = publishing.recover(this::failWith);
    return ended.map(
        v ->
            new JsonObject()
                .put("size", startSize + written)
                .put("file", tempFile.getFileName().toString()));
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
    return file.write(data).recover(this::failWith);
  }

  @Override
  public Future<Void> end() {
    if (failure != null) {
      return Future.failedFuture(failure);
    }
    if (ended != null) {
      return ended;
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
    Future<Void> durable = store.fsync() ? file.flush() : Future.succeededFuture();
    publishing = durable.compose(v -> file.close()).compose(v -> store.publish(tempFile, target));
    ended =
        publishing
            .onComplete(
                ar ->
                    store
                        .metrics()
                        .putFinished(
                            LocalObjectStore.STORE,
                            Duration.ofNanos(System.nanoTime() - start),
                            written,
                            ar.succeeded()))
            .recover(this::failWith);
    return ended;
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
    return failure == null && publishing == null && file.writeQueueFull();
  }

  @Override
  public BlobSink drainHandler(Handler<Void> handler) {
    drainHandler = handler;
    if (failure == null && publishing == null) {
      file.drainHandler(handler);
    }
    return this;
  }

  @Override
  public BlobSink exceptionHandler(Handler<Throwable> handler) {
    exceptionHandler = handler;
    return this;
  }

  @Override
  public BlobSink setWriteQueueMaxSize(int maxSize) {
    if (failure == null && publishing == null) {
      file.setWriteQueueMaxSize(maxSize);
    }
    return this;
  }

  /** A failure of the store itself: the writer also hears of it through the exception handler. */
  private void fail(Throwable cause) {
    if (failure == null) {
      stop(LocalObjectStore.failure("writing blob " + key + " failed", cause), true);
    }
  }

  /** The caller broke the contract or gave up; it learns of that from the future it holds. */
  private void refuse(String reason) {
    stop(new ObjectStoreException(reason, null), false);
  }

  /**
   * Closes the file and deletes it, or the published blob if {@link #end()} had already moved it
   * there (waiting for a move in progress so that it cannot land after the delete).
   */
  private void stop(ObjectStoreException cause, boolean notify) {
    if (failure != null) {
      return;
    }
    failure = cause;
    Future<Void> settled =
        publishing == null
            ? Future.succeededFuture()
            : publishing.transform(ar -> Future.succeededFuture());
    cleanup =
        settled
            .compose(v -> closeFile())
            .compose(v -> discardFiles())
            .recover(
                e ->
                    Future.failedFuture(
                        LocalObjectStore.failure("cannot remove aborted blob " + key, e)));
    if (notify && exceptionHandler != null) {
      exceptionHandler.handle(failure);
    }
    if (drainHandler != null) {
      drainHandler.handle(null);
    }
  }

  /**
   * What a stopped sink removes: its temp file and anything published. A resumable sink keeps the
   * upload's file, which stays valid up to its saved size.
   */
  private Future<Void> discardFiles() {
    if (!resumable) {
      return store.discard(tempFile, target);
    }
    return publishing != null && !checkpointing ? store.discard(target) : Future.succeededFuture();
  }

  private Future<Void> failWith(Throwable cause) {
    fail(cause);
    return Future.failedFuture(failure);
  }

  /** Closes the file unless that already happened; a second close would throw. */
  private Future<Void> closeFile() {
    return Future.<Void>future(promise -> file.close().onComplete(promise))
        .transform(ar -> Future.succeededFuture());
  }
}
