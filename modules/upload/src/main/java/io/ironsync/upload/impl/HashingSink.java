package io.ironsync.upload.impl;

import io.ironsync.domain.ApiException;
import io.ironsync.observability.UploadMetrics;
import io.ironsync.storage.BlobSink;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.streams.WriteStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.LongFunction;

/**
 * Sits between the request body and the blob sink: counts bytes, hashes them with SHA-256 as they
 * pass (one chunk at a time, so the event loop is never held long) and refuses the write that
 * crosses its limit (the caller says why: file size or quota). Backpressure is the blob sink's.
 */
public final class HashingSink implements WriteStream<Buffer> {

  private final BlobSink blob;
  private final long limit;
  private final LongFunction<ApiException> overLimit;
  private final UploadMetrics metrics;
  private final MessageDigest sha256;
  private long size;

  /**
   * @param limit the most bytes the body may have
   * @param overLimit the refusal (413, 507) for a body that reached the given size
   */
  public HashingSink(
      BlobSink blob, long limit, LongFunction<ApiException> overLimit, UploadMetrics metrics) {
    this.blob = blob;
    this.limit = limit;
    this.overLimit = overLimit;
    this.metrics = metrics;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  @Override
  public Future<Void> write(Buffer data) {
    size += data.length();
    if (size > limit) {
      return Future.failedFuture(overLimit.apply(size));
    }
    // hash the bytes where they are: a copy per chunk would cost as much memory traffic as the
    // upload
    for (ByteBuffer view : ((BufferInternal) data).getByteBuf().nioBuffers()) {
      sha256.update(view);
    }
    metrics.bytesReceived(data.length());
    return blob.write(data);
  }

  @Override
  public Future<Void> end() {
    return blob.end();
  }

  @Override
  public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    blob.exceptionHandler(handler);
    return this;
  }

  @Override
  public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
    blob.setWriteQueueMaxSize(maxSize);
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return blob.writeQueueFull();
  }

  @Override
  public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
    blob.drainHandler(handler);
    return this;
  }

  public long size() {
    return size;
  }

  /** The lowercase hex SHA-256 of everything written; call once, after the end. */
  public String sha256Hex() {
    return HexFormat.of().formatHex(sha256.digest());
  }
}
