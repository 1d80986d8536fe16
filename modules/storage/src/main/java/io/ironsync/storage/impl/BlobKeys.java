package io.ironsync.storage.impl;

import java.util.regex.Pattern;

/**
 * The key rule both stores enforce: {@code /}-separated segments of {@code [A-Za-z0-9._-]}, none
 * empty and none starting with a dot. Rejecting leading dots rules out {@code .} and {@code ..} (so
 * a key can never climb out of the local root) and keeps the local store's {@code .tmp} directory
 * out of the key space.
 */
final class BlobKeys {

  static final int MAX_LENGTH = 1024;

  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");

  private BlobKeys() {}

  /** Returns the key unchanged, or throws naming what is wrong with it. */
  static String validate(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("blob key is empty");
    }
    if (key.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "blob key is longer than " + MAX_LENGTH + " characters: " + key.length());
    }
    for (String segment : key.split("/", -1)) {
      if (!SEGMENT.matcher(segment).matches()) {
        throw new IllegalArgumentException(
            "bad blob key '"
                + key
                + "': segments must be non-empty, use only [A-Za-z0-9._-] and not start with a"
                + " dot");
      }
    }
    return key;
  }
}
