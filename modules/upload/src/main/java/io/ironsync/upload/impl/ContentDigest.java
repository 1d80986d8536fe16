package io.ironsync.upload.impl;

import io.ironsync.domain.ApiException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code sha-256} member of a {@code Content-Digest} header (RFC 9530): a structured-field
 * dictionary such as {@code sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:}. Other
 * algorithms may be listed too; IronSync checks sha-256 and requires it when the header is present.
 */
public final class ContentDigest {

  private ContentDigest() {}

  /**
   * @return the expected SHA-256 as lowercase hex, or empty when the header is absent
   * @throws ApiException 400 when the header is malformed or has no sha-256 member
   */
  public static Optional<String> expectedSha256(String header) {
    if (header == null) {
      return Optional.empty();
    }
    for (String member : header.split(",")) {
      String trimmed = member.trim();
      int equals = trimmed.indexOf('=');
      if (equals <= 0) {
        throw malformed("each member must look like algorithm=:base64:");
      }
      String algorithm = trimmed.substring(0, equals).trim().toLowerCase(Locale.ROOT);
      String value = trimmed.substring(equals + 1).trim();
      int parameters = value.indexOf(';');
      if (parameters >= 0) {
        value = value.substring(0, parameters).trim();
      }
      if (!algorithm.equals("sha-256")) {
        continue;
      }
      if (value.length() < 2 || value.charAt(0) != ':' || value.charAt(value.length() - 1) != ':') {
        throw malformed("the sha-256 value must be base64 between colons, e.g. sha-256=:...=:");
      }
      byte[] digest;
      try {
        digest = Base64.getDecoder().decode(value.substring(1, value.length() - 1));
      } catch (IllegalArgumentException e) {
        throw malformed("the sha-256 value is not valid base64");
      }
      if (digest.length != 32) {
        throw malformed("the sha-256 value must decode to 32 bytes, got " + digest.length);
      }
      return Optional.of(HexFormat.of().formatHex(digest));
    }
    throw ApiException.badRequest(
        "unsupported-digest", "Content-Digest has no sha-256 member; IronSync verifies sha-256");
  }

  private static ApiException malformed(String detail) {
    return ApiException.badRequest("invalid-content-digest", "Content-Digest: " + detail);
  }
}
