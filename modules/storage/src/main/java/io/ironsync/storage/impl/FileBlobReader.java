package io.ironsync.storage.impl;

import io.ironsync.storage.BlobReader;
import io.ironsync.storage.ByteRange;
import io.ironsync.storage.ObjectStoreException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;

/**
 * A blob read from local disk. The file is closed when the last byte was delivered, on a read
 * error, or on {@link #cancel()}, whichever comes first.
 */
final class FileBlobReader implements BlobReader {

  private final AsyncFile file;
  private final long length;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;
  private boolean closed;

  private FileBlobReader(AsyncFile file, long length) {
    this.file = file;
    this.length = length;
    file.endHandler(
        v -> {
          close();
          if (endHandler != null) {
            endHandler.handle(null);
          }
        });
    file.exceptionHandler(
        e -> {
          close();
          if (exceptionHandler != null) {
            exceptionHandler.handle(
                new ObjectStoreException("reading a local blob failed: " + e, e));
          }
        });
  }

  /**
   * Positions the opened file on the range (S3 semantics: a range reaching past the end is cut at
   * the end, one starting past it is not satisfiable) and returns it paused.
   */
  static Future<BlobReader> open(String key, AsyncFile file, ByteRange range) {
    return file.size()
        .compose(
            size -> {
              if (range == null) {
                return Future.succeededFuture(size);
              }
              if (range.first() >= size) {
                return Future.failedFuture(
                    new ObjectStoreException(
                        "range "
                            + range.first()
                            + "-"
                            + range.last()
                            + " is past the end of blob "
                            + key
                            + " ("
                            + size
                            + " bytes)",
                        null));
              }
              return Future.succeededFuture(Math.min(range.last(), size - 1) - range.first() + 1);
            })
        .<BlobReader>map(
            length -> {
              file.pause();
              file.setReadPos(range == null ? 0 : range.first());
              file.setReadLength(length);
              return new FileBlobReader(file, length);
            })
        .onFailure(e -> file.close());
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public void cancel() {
    endHandler = null;
    exceptionHandler = null;
    if (!closed) {
      file.handler(null);
    }
    close();
  }

  private void close() {
    if (!closed) {
      closed = true;
      file.close();
    }
  }

  @Override
  public BlobReader exceptionHandler(Handler<Throwable> handler) {
    exceptionHandler = handler;
    return this;
  }

  @Override
  public BlobReader handler(Handler<Buffer> handler) {
    if (!closed) {
      file.handler(handler);
    }
    return this;
  }

  @Override
  public BlobReader pause() {
    if (!closed) {
      file.pause();
    }
    return this;
  }

  @Override
  public BlobReader resume() {
    if (!closed) {
      file.resume();
    }
    return this;
  }

  @Override
  public BlobReader fetch(long amount) {
    if (!closed) {
      file.fetch(amount);
    }
    return this;
  }

  @Override
  public BlobReader endHandler(Handler<Void> handler) {
    endHandler = handler;
    return this;
  }
}
