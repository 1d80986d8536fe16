package io.ironsync.metadata.impl;

import io.ironsync.domain.FilePath;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Names of conflict copies: {@code <stem> (conflict <device> <yyyy-MM-dd HHmmss> UTC)<.ext>}, next
 * to the original, with {@code " 2"}, {@code " 3"}, ... before the extension when a name is taken.
 * The device goes into a file name, so it keeps only letters, digits, '-' and '_'.
 */
final class ConflictNames {

  static final String UNKNOWN_DEVICE = "unknown device";
  static final int MAX_DEVICE_CHARS = 32;

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private ConflictNames() {}

  /**
   * The {@code n}-th candidate name (from 1) for a copy of {@code original}. The stem is shortened,
   * never the marker, when the name would exceed a segment's or the path's byte limit.
   */
  static FilePath candidate(FilePath original, String deviceId, Instant at, int n) {
    String name = original.name();
    int dot = name.lastIndexOf('.');
    // a leading dot starts a hidden file's name, not an extension
    String stem = dot > 0 ? name.substring(0, dot) : name;
    String extension = dot > 0 ? name.substring(dot) : "";
    String marker =
        " (conflict "
            + device(deviceId)
            + " "
            + STAMP.format(at)
            + " UTC)"
            + (n > 1 ? " " + n : "");
    FilePath parent = original.parent();
    int parentBytes = parent.isRoot() ? 0 : utf8Length(parent.value()) + 1;
    int budget = Math.min(FilePath.MAX_SEGMENT_BYTES, FilePath.MAX_PATH_BYTES - parentBytes);
    if (utf8Length(marker + extension) >= budget) {
      // an absurdly long extension: treat the whole name as the stem
      stem = name;
      extension = "";
    }
    String fitted = truncate(stem, budget - utf8Length(marker + extension)) + marker + extension;
    return FilePath.of(parent.isRoot() ? fitted : parent.value() + "/" + fitted);
  }

  /** The device id as it appears in a copy's name. */
  static String device(String deviceId) {
    if (deviceId == null) {
      return UNKNOWN_DEVICE;
    }
    StringBuilder kept = new StringBuilder();
    deviceId
        .codePoints()
        .filter(cp -> Character.isLetterOrDigit(cp) || cp == '-' || cp == '_')
        .limit(MAX_DEVICE_CHARS)
        .forEach(kept::appendCodePoint);
    return kept.length() == 0 ? UNKNOWN_DEVICE : kept.toString();
  }

  /** The longest prefix of whole code points that fits in {@code maxBytes} of UTF-8. */
  private static String truncate(String text, int maxBytes) {
    int bytes = 0;
    int end = 0;
    while (end < text.length()) {
      int cp = text.codePointAt(end);
      int size = utf8Length(new String(Character.toChars(cp)));
      if (bytes + size > maxBytes) {
        break;
      }
      bytes += size;
      end += Character.charCount(cp);
    }
    return text.substring(0, end);
  }

  private static int utf8Length(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }
}
