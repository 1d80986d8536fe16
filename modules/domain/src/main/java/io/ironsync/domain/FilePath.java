package io.ironsync.domain;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * A user's file or folder path: UTF-8, NFC, {@code /}-separated, without a leading slash, no empty,
 * {@code .} or {@code ..} segments, no control characters, at most {@value #MAX_SEGMENT_BYTES}
 * bytes a segment and {@value #MAX_PATH_BYTES} bytes in all. The root folder is the empty path.
 *
 * <p>Every way in ({@link #fromUrl}, {@link #folderFromUrl}, {@link #of}) validates, so a {@code
 * FilePath} that exists is valid.
 */
public final class FilePath implements Comparable<FilePath> {

  public static final int MAX_SEGMENT_BYTES = 255;
  public static final int MAX_PATH_BYTES = 4096;
  public static final FilePath ROOT = new FilePath("");

  private final String value;

  private FilePath(String value) {
    this.value = value;
  }

  /**
   * Parses the part of a request URL after the route prefix, as sent on the wire: percent escapes
   * and raw UTF-8 bytes are both accepted. A file path must not be empty.
   */
  public static FilePath fromUrl(String rawRemainder) {
    FilePath path = of(percentDecode(rawRemainder));
    if (path.isRoot()) {
      throw invalid("the path is empty; name a file, for example /v1/files/notes/todo.txt");
    }
    return path;
  }

  /**
   * Like {@link #fromUrl} but for folders: the empty path is the root and a trailing slash is
   * allowed.
   */
  public static FilePath folderFromUrl(String rawRemainder) {
    String decoded = percentDecode(rawRemainder);
    if (decoded.endsWith("/")) {
      decoded = decoded.substring(0, decoded.length() - 1);
    }
    return of(decoded);
  }

  /** Validates an already decoded path; one leading slash is tolerated. */
  public static FilePath of(String decoded) {
    String path = decoded.startsWith("/") ? decoded.substring(1) : decoded;
    if (path.isEmpty()) {
      return ROOT;
    }
    path = Normalizer.normalize(path, Normalizer.Form.NFC);
    int total = path.getBytes(StandardCharsets.UTF_8).length;
    if (total > MAX_PATH_BYTES) {
      throw invalid(
          "the path is "
              + total
              + " bytes long in UTF-8; the limit is "
              + MAX_PATH_BYTES
              + " bytes");
    }
    String[] segments = path.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      checkSegment(segments[i], i + 1);
    }
    return new FilePath(path);
  }

  private static void checkSegment(String segment, int position) {
    if (segment.isEmpty()) {
      throw invalid(
          "path segment "
              + position
              + " is empty (two slashes in a row, or a slash at the start or end)");
    }
    if (segment.equals(".") || segment.equals("..")) {
      throw invalid(
          "path segment " + position + " is '" + segment + "'; '.' and '..' are not allowed");
    }
    int bytes = segment.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_SEGMENT_BYTES) {
      throw invalid(
          "path segment "
              + position
              + " is "
              + bytes
              + " bytes long in UTF-8; the limit is "
              + MAX_SEGMENT_BYTES
              + " bytes");
    }
    segment
        .codePoints()
        .filter(FilePath::isControl)
        .findFirst()
        .ifPresent(
            cp -> {
              throw invalid(
                  String.format(
                      "path segment %d contains the control character U+%04X", position, cp));
            });
  }

  private static boolean isControl(int codePoint) {
    return codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f);
  }

  /**
   * Decodes percent escapes. Characters above U+00FF cannot come from a wire-level path; characters
   * up to U+00FF stand for the raw bytes a client sent unescaped, so raw UTF-8 works too.
   */
  private static String percentDecode(String raw) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          throw invalid("the path has an incomplete percent escape at position " + (i + 1));
        }
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw invalid("the path has an invalid percent escape at position " + (i + 1));
        }
        bytes.write(hi << 4 | lo);
        i += 2;
      } else if (c > 0xff) {
        throw invalid("the path is not valid UTF-8");
      } else {
        bytes.write(c);
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw invalid("the path is not valid UTF-8");
    }
  }

  private static ApiException invalid(String detail) {
    return ApiException.badRequest("invalid-path", detail);
  }

  public String value() {
    return value;
  }

  public boolean isRoot() {
    return value.isEmpty();
  }

  /** The last segment; empty for the root. */
  public String name() {
    return value.substring(value.lastIndexOf('/') + 1);
  }

  /** The containing folder; the root's parent is the root. */
  public FilePath parent() {
    int slash = value.lastIndexOf('/');
    return slash < 0 ? ROOT : new FilePath(value.substring(0, slash));
  }

  /** Every folder above this path, nearest to the root first, the root itself excluded. */
  public List<FilePath> ancestors() {
    List<FilePath> result = new ArrayList<>();
    for (int slash = value.indexOf('/'); slash >= 0; slash = value.indexOf('/', slash + 1)) {
      result.add(new FilePath(value.substring(0, slash)));
    }
    return result;
  }

  @Override
  public int compareTo(FilePath other) {
    return value.compareTo(other.value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FilePath other && value.equals(other.value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return value;
  }
}
