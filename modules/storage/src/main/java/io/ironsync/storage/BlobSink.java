package io.ironsync.storage;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * A blob being written. It honours backpressure: {@link #writeQueueFull()} turns true while the
 * store is behind and {@link #drainHandler} fires when it caught up, so a pipe from an HTTP request
 * slows the client down instead of buffering. Memory held by a sink is bounded by the store's part
 * size, whatever the blob size.
 *
 * <p>When the store fails on its own (the connection to S3 dropped, a part upload was refused), the
 * sink calls its {@link #exceptionHandler} once, even if nobody is writing at that moment (e.g. the
 * writer is paused waiting for a drain that will never come), and every later write or end fails.
 *
 * <p>{@link #end()} completes once the blob is durable under its key. If anything fails, or the
 * caller gives up, {@link #abort()} removes every trace of it: an unfinished multipart upload is
 * aborted, a written object or temporary file is deleted.
 */
public interface BlobSink extends WriteStream<Buffer> {

  /** Discards the blob, whether or not {@link #end()} was called or completed. Idempotent. */
  Future<Void> abort();
}
