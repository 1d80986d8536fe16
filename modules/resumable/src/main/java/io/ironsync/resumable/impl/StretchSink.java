package io.ironsync.resumable.impl;

import io.ironsync.domain.ApiException;
import io.ironsync.observability.UploadMetrics;
import io.ironsync.storage.ResumableSink;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.security.MessageDigest;
import java.util.function.LongFunction;

/**
 * One PATCH body on its way into a resumable upload: counts the bytes, refuses the write that
 * crosses the limit (the caller says why), and hashes every byte into the whole upload's digest
 * and, with {@code Upload-Checksum}, into the PATCH's own. Backpressure is the store's.
 */
public final class StretchSink implements WriteStream<Buffer> {

  private final ResumableSink sink;
  private final long limit;
  private final LongFunction<ApiException> overLimit;
  private final ResumableDigest digest;
  private final MessageDigest checksum;
  private final UploadMetrics metrics;
  private long size;

  /**
   * @param limit the most bytes this PATCH may carry
   * @param checksum the PATCH's own digest, or null
   */
  public StretchSink(
      ResumableSink sink,
      long limit,
      LongFunction<ApiException> overLimit,
      ResumableDigest digest,
      MessageDigest checksum,
      UploadMetrics metrics) {
    this.sink = sink;
    this.limit = limit;
    this.overLimit = overLimit;
    this.digest = digest;
    this.checksum = checksum;
    this.metrics = metrics;
  }

  @Override
  public Future<Void> write(Buffer data) {
    size += data.length();
    if (size > limit) {
      return Future.failedFuture(overLimit.apply(size));
    }
    digest.update(data);
    if (checksum != null) {
      for (java.nio.ByteBuffer view :
          ((io.vertx.core.internal.buffer.BufferInternal) data).getByteBuf().nioBuffers()) {
        checksum.update(view);
      }
    }
    metrics.bytesReceived(data.length());
    return sink.write(data);
  }

  /** The stretch is not ended here: the caller checkpoints or ends the sink once it is checked. */
  @Override
  public Future<Void> end() {
    return Future.succeededFuture();
  }

  @Override
  public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    sink.exceptionHandler(handler);
    return this;
  }

  @Override
  public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
    sink.setWriteQueueMaxSize(maxSize);
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return sink.writeQueueFull();
  }

  @Override
  public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
    sink.drainHandler(handler);
    return this;
  }

  /** Bytes this PATCH carried so far. */
  public long size() {
    return size;
  }
}
