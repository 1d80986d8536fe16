package io.ironsync.storage.impl;

import io.ironsync.storage.BlobSink;
import io.ironsync.storage.ObjectStoreException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import java.time.Duration;

/**
 * A blob of announced size streamed as the body of one PUT. Backpressure is the HTTP request's own:
 * nothing is buffered beyond the socket, so memory does not grow with the blob.
 *
 * <p>Used from one context: the one that created it.
 */
final class S3PutSink implements BlobSink {

  private final S3Operations s3;
  private final String key;
  private final long size;
  private final HttpClientRequest request;
  private final Future<Void> stored;

  private long written;
  private boolean ending;
  private ObjectStoreException failure;
  private Future<Void> cleanup;
  private Handler<Throwable> exceptionHandler;
  private Handler<Void> drainHandler;

  private S3PutSink(S3Operations s3, String key, long size, HttpClientRequest request) {
    this.s3 = s3;
    this.key = key;
    this.size = size;
    this.request = request;
    long start = System.nanoTime();
    this.stored = s3.putOutcome(request, key);
    request.exceptionHandler(this::fail);
    stored.onComplete(
        ar -> {
          s3.metrics()
              .putFinished(
                  S3Operations.STORE,
                  Duration.ofNanos(System.nanoTime() - start),
                  written,
                  ar.succeeded());
          if (ar.failed()) {
            fail(ar.cause());
          }
        });
  }

  static Future<BlobSink> open(S3Operations s3, String key, long size) {
    return s3.openPut(key, size).map(request -> new S3PutSink(s3, key, size, request));
  }

  @Override
  public Future<Void> write(Buffer data) {
    if (failure != null) {
      return Future.failedFuture(failure);
    }
    if (ending) {
      return Future.failedFuture(new IllegalStateException("write after end of blob " + key));
    }
    if (written + data.length() > size) {
      refuse("blob " + key + " got more than the " + size + " bytes announced");
      return Future.failedFuture(failure);
    }
    written += data.length();
    return request.write(data).recover(this::failWith);
  }

  @Override
  public Future<Void> end() {
    if (failure != null) {
      return Future.failedFuture(failure);
    }
    if (ending) {
      return stored;
    }
    ending = true;
    if (written < size) {
      refuse("blob " + key + " ended after " + written + " of the " + size + " bytes announced");
      return Future.failedFuture(failure);
    }
    request.end().onFailure(this::fail);
    return stored.recover(this::failWith);
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
    return failure == null && !ending && request.writeQueueFull();
  }

  @Override
  public BlobSink drainHandler(Handler<Void> handler) {
    drainHandler = handler;
    // the request refuses handlers once ended; a sink that no longer writes needs none
    if (failure == null && !ending) {
      request.drainHandler(handler);
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
    if (failure == null && !ending) {
      request.setWriteQueueMaxSize(maxSize);
    }
    return this;
  }

  private <T> Future<T> failWith(Throwable cause) {
    fail(cause);
    return Future.failedFuture(failure);
  }

  /** A failure of the store itself: the writer also hears of it through the exception handler. */
  private void fail(Throwable cause) {
    if (failure == null) {
      stop(S3Failures.wrap("S3 PUT " + key, cause), true);
    }
  }

  /** The caller broke the contract or gave up; it learns of that from the future it holds. */
  private void refuse(String reason) {
    stop(new ObjectStoreException(reason, null), false);
  }

  /**
   * Resets the request (a PUT cut short stores nothing) and, when every byte had already gone out,
   * deletes the key in case S3 stored the object before the failure reached us.
   */
  private void stop(ObjectStoreException cause, boolean notify) {
    if (failure != null) {
      return;
    }
    failure = cause;
    boolean mayBeStored = ending && written == size;
    if (!stored.isComplete()) {
      request.reset();
    }
    cleanup = mayBeStored ? stored.transform(ar -> s3.remove(key)) : Future.<Void>succeededFuture();
    if (notify && exceptionHandler != null) {
      exceptionHandler.handle(failure);
    }
    // A writer paused on writeQueueFull() must wake up to see a failure of the store. A caller
    // that aborted knows already, and its drain handler may belong to a pipe that is gone.
    if (notify && drainHandler != null) {
      drainHandler.handle(null);
    }
  }
}
