package io.ironsync.storage.impl;

import io.vertx.core.buffer.Buffer;

/**
 * The bytes of one multipart part being filled, in a plain array because that is what the SDK
 * uploads without another copy. The array starts small and doubles up to the part size, so a small
 * upload of unknown length costs about its own size rather than a whole part.
 */
final class PartBuffer {

  private static final int INITIAL_CAPACITY = 64 * 1024;

  private final int capacity;
  private byte[] bytes;
  private int length;

  /**
   * @param recycled an array of a finished part to fill again, or null
   */
  PartBuffer(int capacity, byte[] recycled) {
    this.capacity = capacity;
    this.bytes =
        recycled != null && recycled.length == capacity
            ? recycled
            : new byte[Math.min(capacity, INITIAL_CAPACITY)];
  }

  /**
   * Copies as much of {@code data} from {@code offset} as fits and returns how many bytes it took.
   */
  int fill(Buffer data, int offset) {
    int take = Math.min(capacity - length, data.length() - offset);
    ensureCapacity(length + take);
    data.getBytes(offset, offset + take, bytes, length);
    length += take;
    return take;
  }

  boolean isFull() {
    return length == capacity;
  }

  int length() {
    return length;
  }

  /** The backing array; only the first {@link #length()} bytes are data. */
  byte[] bytes() {
    return bytes;
  }

  private void ensureCapacity(int needed) {
    if (needed > bytes.length) {
      int grown = (int) Math.min(capacity, Math.max(needed, 2L * bytes.length));
      byte[] larger = new byte[grown];
      System.arraycopy(bytes, 0, larger, 0, length);
      bytes = larger;
    }
  }
}
