package io.ironsync.download.impl;

import io.ironsync.storage.ByteRange;
import java.util.Optional;

/**
 * The single-range forms of a {@code Range: bytes=...} header (RFC 9110 §14): {@code a-b}, {@code
 * a-} and {@code -n}. Several ranges or other units are not served as ranges: the whole content is
 * sent instead, which the RFC allows.
 */
public final class RangeRequest {

  /** What to send for a Range header against content of a given size. */
  public sealed interface Decision {}

  /** Send everything with 200. */
  public record Whole() implements Decision {}

  /** Send this range with 206. */
  public record Partial(ByteRange range) implements Decision {}

  /** Nothing of the content is in the range: 416 with {@code Content-Range: bytes * /size}. */
  public record Unsatisfiable() implements Decision {}

  private RangeRequest() {}

  public static Decision decide(String header, long size) {
    if (header == null) {
      return new Whole();
    }
    String value = header.trim();
    if (!value.regionMatches(true, 0, "bytes=", 0, 6) || value.indexOf(',') >= 0) {
      return new Whole();
    }
    String spec = value.substring(6).trim();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return new Whole();
    }
    Optional<Long> first = number(spec.substring(0, dash));
    Optional<Long> last = number(spec.substring(dash + 1));
    if (first.isEmpty()) {
      // suffix range: the last n bytes
      if (last.isEmpty() || !spec.substring(0, dash).isBlank()) {
        return new Whole();
      }
      long n = last.get();
      if (n == 0 || size == 0) {
        return new Unsatisfiable();
      }
      return new Partial(new ByteRange(Math.max(0, size - n), size - 1));
    }
    if (!spec.substring(dash + 1).isBlank() && last.isEmpty()) {
      return new Whole();
    }
    long from = first.get();
    long to = last.map(l -> Math.min(l, size - 1)).orElse(size - 1);
    if (last.isPresent() && last.get() < from) {
      return new Whole();
    }
    if (from >= size) {
      return new Unsatisfiable();
    }
    return new Partial(new ByteRange(from, to));
  }

  private static Optional<Long> number(String text) {
    String trimmed = text.trim();
    if (trimmed.isEmpty()
        || !trimmed.chars().allMatch(Character::isDigit)
        || trimmed.length() > 18) {
      return Optional.empty();
    }
    return Optional.of(Long.parseLong(trimmed));
  }
}
