package io.ironsync.storage.impl;

import io.ironsync.storage.BlobReader;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;

/** A blob read from S3: the paused body of a GET response. Used from the context that opened it. */
final class HttpBlobReader implements BlobReader {

  private final String key;
  private final HttpClientResponse response;
  private final long length;
  private Handler<Void> endHandler;
  private boolean done;

  HttpBlobReader(String key, HttpClientResponse response, long length) {
    this.key = key;
    this.response = response;
    this.length = length;
    response.endHandler(
        v -> {
          done = true;
          if (endHandler != null) {
            endHandler.handle(null);
          }
        });
  }

  @Override
  public long length() {
    return length;
  }

  /**
   * Resetting an HTTP/1.1 request whose response is still arriving closes the connection: the only
   * way to make S3 stop sending. That connection is not reused.
   */
  @Override
  public void cancel() {
    if (done) {
      return;
    }
    done = true;
    endHandler = null;
    response.handler(null);
    response.exceptionHandler(null);
    response.request().reset();
  }

  @Override
  public BlobReader exceptionHandler(Handler<Throwable> handler) {
    if (!done) {
      response.exceptionHandler(
          handler == null ? null : e -> handler.handle(S3Failures.wrap("S3 GET " + key, e)));
    }
    return this;
  }

  @Override
  public BlobReader handler(Handler<Buffer> handler) {
    if (!done) {
      response.handler(handler);
    }
    return this;
  }

  @Override
  public BlobReader pause() {
    response.pause();
    return this;
  }

  @Override
  public BlobReader resume() {
    response.resume();
    return this;
  }

  @Override
  public BlobReader fetch(long amount) {
    response.fetch(amount);
    return this;
  }

  @Override
  public BlobReader endHandler(Handler<Void> handler) {
    endHandler = handler;
    return this;
  }
}
