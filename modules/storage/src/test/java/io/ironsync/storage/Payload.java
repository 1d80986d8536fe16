package io.ironsync.storage;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** Reproducible pseudo-random blob contents, so that a mix-up of bytes cannot go unnoticed. */
record Payload(byte[] bytes) {

  static final int KiB = 1024;
  static final int MiB = 1024 * KiB;

  static Payload random(int size) {
    byte[] bytes = new byte[size];
    new SplittableRandom(size).nextBytes(bytes);
    return new Payload(bytes);
  }

  int size() {
    return bytes.length;
  }

  String sha256() {
    return sha256(bytes);
  }

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
