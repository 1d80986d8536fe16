package io.ironsync.upload.impl;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.Pipe;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;

/**
 * Pipes a body into a blob, usually through a {@link HashingSink}. A pipe only learns of failed
 * writes; a store that fails while the body is paused for backpressure would leave it waiting for a
 * drain forever, so a failure the sink reports on its own closes the pipe and becomes the outcome.
 */
public final class BodyPipe {

  private BodyPipe() {}

  /** Completes once the sink has ended; fails with the store's failure when there was one. */
  public static Future<Void> into(ReadStream<Buffer> body, WriteStream<Buffer> sink) {
    Pipe<Buffer> pipe = body.pipe().endOnFailure(false);
    Throwable[] storageFailure = {null};
    sink.exceptionHandler(
        e -> {
          storageFailure[0] = e;
          pipe.close();
        });
    return pipe.to(sink)
        .andThen(
            piped -> {
              // the pipe is over: nothing may resume the body any more
              sink.drainHandler(null);
              sink.exceptionHandler(null);
            })
        .recover(e -> Future.failedFuture(storageFailure[0] != null ? storageFailure[0] : e));
  }
}
