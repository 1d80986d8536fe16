package io.ironsync.resumable.impl;

import io.vertx.core.buffer.Buffer;
import java.util.HexFormat;
import org.bouncycastle.crypto.digests.SHA256Digest;

/**
 * The SHA-256 of a whole resumable upload, computed as its stretches arrive on whatever node. Its
 * state is saved with each checkpoint and restored by the next stretch, so no byte is ever read
 * back to hash it.
 */
public final class ResumableDigest {

  private final SHA256Digest digest;
  private final byte[] scratch = new byte[16 * 1024];

  private ResumableDigest(SHA256Digest digest) {
    this.digest = digest;
  }

  /** The digest after the bytes a saved state covers; null starts from nothing. */
  public static ResumableDigest restore(byte[] state) {
    return new ResumableDigest(state == null ? new SHA256Digest() : new SHA256Digest(state));
  }

  /** Hashes a chunk in small slices, so no copy of a whole chunk is ever made. */
  public void update(Buffer chunk) {
    for (int at = 0; at < chunk.length(); at += scratch.length) {
      int end = Math.min(chunk.length(), at + scratch.length);
      chunk.getBytes(at, end, scratch, 0);
      digest.update(scratch, 0, end - at);
    }
  }

  /** The state to save; restoring it continues exactly here. */
  public byte[] state() {
    return digest.getEncodedState();
  }

  /** The lowercase hex SHA-256 of everything so far; the digest is spent afterwards. */
  public String finishHex() {
    byte[] out = new byte[digest.getDigestSize()];
    digest.doFinal(out, 0);
    return HexFormat.of().formatHex(out);
  }
}
