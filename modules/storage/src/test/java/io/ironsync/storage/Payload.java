package io.ironsync.storage;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** Reproducible pseudo-random blob contents, so that a mix-up of bytes cannot go unnoticed. */
public record Payload(byte[] bytes) {

  public static final int KiB = 1024;
  public static final int MiB = 1024 * KiB;

  public static Payload random(int size) {
    byte[] bytes = new byte[size];
    new SplittableRandom(size).nextBytes(bytes);
    return new Payload(bytes);
  }

  public int size() {
    return bytes.length;
  }

  public String sha256() {
    return sha256(bytes);
  }

  public static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
