package io.ironsync.storage;

/**
 * A satisfiable, inclusive byte range of a blob of known size: {@code first} to {@code last}.
 *
 * @param first offset of the first byte
 * @param last offset of the last byte, at most size - 1
 */
public record ByteRange(long first, long last) {

  public ByteRange {
    if (first < 0 || last < first) {
      throw new IllegalArgumentException("bad range " + first + "-" + last);
    }
  }

  public long length() {
    return last - first + 1;
  }
}
