package io.ironsync.resumable.impl;

import io.ironsync.domain.ApiException;
import io.vertx.core.http.HttpServerRequest;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The request headers of the tus 1.0 protocol, read strictly: anything malformed is a 400. */
public final class TusHeaders {

  public static final String VERSION = "1.0.0";
  public static final String TUS_RESUMABLE = "Tus-Resumable";
  public static final String TUS_VERSION = "Tus-Version";
  public static final String UPLOAD_OFFSET = "Upload-Offset";
  public static final String UPLOAD_LENGTH = "Upload-Length";
  public static final String UPLOAD_DEFER_LENGTH = "Upload-Defer-Length";
  public static final String UPLOAD_METADATA = "Upload-Metadata";
  public static final String UPLOAD_CHECKSUM = "Upload-Checksum";
  public static final String UPLOAD_EXPIRES = "Upload-Expires";
  public static final String UPLOAD_CONCAT = "Upload-Concat";
  public static final String OFFSET_CONTENT_TYPE = "application/offset+octet-stream";
  public static final String CHECKSUM_ALGORITHMS = "sha1,sha256,md5";

  private TusHeaders() {}

  /** Every request but OPTIONS names the protocol version; only 1.0.0 is spoken (412 otherwise). */
  public static void requireVersion(HttpServerRequest request) {
    String version = request.getHeader(TUS_RESUMABLE);
    if (!VERSION.equals(version)) {
      request.response().putHeader(TUS_VERSION, VERSION);
      throw ApiException.of(
          412,
          "unsupported-tus-version",
          "Unsupported tus version",
          version == null
              ? "send Tus-Resumable: 1.0.0 with every request"
              : "this server speaks tus 1.0.0, not " + version);
    }
  }

  /** A byte count header: absent is -1; anything but a non-negative integer is a 400. */
  public static long byteCount(HttpServerRequest request, String header) {
    String value = request.getHeader(header);
    if (value == null) {
      return -1;
    }
    try {
      long count = Long.parseLong(value.trim());
      if (count >= 0) {
        return count;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiException.badRequest(
        "invalid-" + header.toLowerCase(Locale.ROOT),
        header + " must be a non-negative whole number, got '" + value + "'");
  }

  /**
   * {@code Upload-Metadata}: comma-separated pairs of a key and its Base64 value (the value may be
   * missing). Keys are unique and free of spaces and commas.
   */
  public static Map<String, String> metadata(String header) {
    Map<String, String> pairs = new LinkedHashMap<>();
    if (header == null || header.isBlank()) {
      return pairs;
    }
    for (String pair : header.split(",")) {
      String[] keyAndValue = pair.trim().split(" ", -1);
      if (keyAndValue.length > 2 || keyAndValue[0].isEmpty()) {
        throw badMetadata("'" + pair.trim() + "' is not a key and a Base64 value");
      }
      String value = "";
      if (keyAndValue.length == 2) {
        try {
          value =
              new String(
                  Base64.getDecoder().decode(keyAndValue[1]),
                  java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          throw badMetadata("the value of " + keyAndValue[0] + " is not Base64");
        }
      }
      if (pairs.put(keyAndValue[0], value) != null) {
        throw badMetadata("the key " + keyAndValue[0] + " appears twice");
      }
    }
    return pairs;
  }

  private static ApiException badMetadata(String detail) {
    return ApiException.badRequest("invalid-upload-metadata", "Upload-Metadata: " + detail);
  }

  /** What a PATCH body must hash to, from {@code Upload-Checksum: <algorithm> <Base64 digest>}. */
  public record Checksum(String algorithm, byte[] expected) {

    /** A fresh digest of the algorithm. */
    public MessageDigest newDigest() {
      try {
        return MessageDigest.getInstance(
            switch (algorithm) {
              case "sha1" -> "SHA-1";
              case "sha256" -> "SHA-256";
              default -> "MD5";
            });
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JVM has " + algorithm, e);
      }
    }
  }

  /** The checksum of a PATCH, or null without the header; 400 for an unsupported algorithm. */
  public static Checksum checksum(HttpServerRequest request) {
    String header = request.getHeader(UPLOAD_CHECKSUM);
    if (header == null) {
      return null;
    }
    String[] parts = header.trim().split(" ");
    if (parts.length != 2) {
      throw ApiException.badRequest(
          "invalid-upload-checksum", "Upload-Checksum is '<algorithm> <Base64 digest>'");
    }
    String algorithm = parts[0].toLowerCase(Locale.ROOT);
    if (!java.util.Set.of(CHECKSUM_ALGORITHMS.split(",")).contains(algorithm)) {
      throw ApiException.badRequest(
          "unsupported-checksum-algorithm",
          "Upload-Checksum algorithms are " + CHECKSUM_ALGORITHMS + ", not " + parts[0]);
    }
    try {
      return new Checksum(algorithm, Base64.getDecoder().decode(parts[1]));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "invalid-upload-checksum", "the Upload-Checksum digest is not Base64");
    }
  }
}
