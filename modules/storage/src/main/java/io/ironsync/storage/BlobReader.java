package io.ironsync.storage;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A blob (or a range of it) being read. It starts paused; piping it to a response drives it. {@link
 * #length()} bytes will be delivered before the end handler runs.
 */
public interface BlobReader extends ReadStream<Buffer> {

  /** The number of bytes this reader delivers (the range length, or the blob size). */
  long length();

  /**
   * Stops reading and releases the file or connection behind the reader without reading the rest,
   * e.g. when the client went away. Idempotent; harmless after the end.
   */
  void cancel();
}
