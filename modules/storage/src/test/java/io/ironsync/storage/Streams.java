package io.ironsync.storage;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.io.ByteArrayOutputStream;

/** Drives sinks and readers the way the gateway does: with backpressure, on a Vert.x context. */
public final class Streams {

  public static final int CHUNK = 64 * Payload.KiB;

  private Streams() {}

  /**
   * Writes {@code length} bytes of the payload from {@code offset}, honouring writeQueueFull() and
   * the drain handler; the future completes when the last write was accepted.
   */
  public static Writer write(WriteStream<Buffer> sink, Payload payload, int offset, int length) {
    Writer writer = new Writer(sink, payload, offset, offset + length);
    writer.run();
    return writer;
  }

  /** Writes the whole payload and ends the sink. */
  public static Future<Void> writeAndEnd(BlobSink sink, Payload payload) {
    return write(sink, payload, 0, payload.size()).done().compose(v -> sink.end());
  }

  public static Future<byte[]> readAll(BlobReader reader) {
    Promise<byte[]> promise = Promise.promise();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    reader.handler(chunk -> out.writeBytes(chunk.getBytes()));
    reader.exceptionHandler(promise::tryFail);
    reader.endHandler(v -> promise.tryComplete(out.toByteArray()));
    reader.resume();
    return promise.future();
  }

  /** A writer that stops when the sink pushes back and resumes on drain. */
  public static final class Writer {
    private final WriteStream<Buffer> sink;
    private final Payload payload;
    private final int end;
    private final Promise<Void> done = Promise.promise();
    private int position;
    private int drains;

    private Writer(WriteStream<Buffer> sink, Payload payload, int start, int end) {
      this.sink = sink;
      this.payload = payload;
      this.position = start;
      this.end = end;
    }

    private void run() {
      while (position < end && !sink.writeQueueFull() && !done.future().isComplete()) {
        int length = Math.min(CHUNK, end - position);
        Buffer chunk = Buffer.buffer(length).appendBytes(payload.bytes(), position, length);
        position += length;
        sink.write(chunk).onFailure(done::tryFail);
      }
      if (done.future().isComplete()) {
        return;
      }
      if (position < end) {
        sink.drainHandler(
            v -> {
              drains++;
              run();
            });
      } else {
        done.tryComplete();
      }
    }

    public Future<Void> done() {
      return done.future();
    }

    /** Bytes the sink accepted so far. */
    public int position() {
      return position;
    }

    public int drains() {
      return drains;
    }
  }
}
