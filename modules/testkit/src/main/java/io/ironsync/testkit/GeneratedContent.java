package io.ironsync.testkit;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/**
 * Deterministic, non-repeating test content of any size, produced chunk by chunk so a multi-GB body
 * never sits in memory. The same seed and size always give the same bytes and digest.
 */
public final class GeneratedContent {

  private static final int BLOCK = 1 << 20;

  private final byte[] block = new byte[BLOCK];
  private final long size;
  private long produced;

  public GeneratedContent(long seed, long size) {
    new Random(seed).nextBytes(block);
    this.size = size;
  }

  public long size() {
    return size;
  }

  public boolean hasMore() {
    return produced < size;
  }

  /** The next chunk of at most {@code max} bytes. */
  public byte[] next(int max) {
    int length = (int) Math.min(max, size - produced);
    byte[] chunk = new byte[length];
    for (int i = 0; i < length; i++) {
      long offset = produced + i;
      // the block index is mixed in so that the content does not repeat every megabyte
      chunk[i] = (byte) (block[(int) (offset % BLOCK)] ^ (offset / BLOCK));
    }
    produced += length;
    return chunk;
  }

  /** The SHA-256 (lowercase hex) of the whole content, computed by generating it once more. */
  public static String sha256(long seed, long size) {
    GeneratedContent content = new GeneratedContent(seed, size);
    MessageDigest digest = newSha256();
    while (content.hasMore()) {
      digest.update(content.next(BLOCK));
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
