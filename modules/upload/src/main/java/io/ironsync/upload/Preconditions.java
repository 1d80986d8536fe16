package io.ironsync.upload;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.FileMeta;
import io.ironsync.metadata.Precondition;
import java.util.Optional;

/** Write preconditions from {@code If-Match} / {@code If-None-Match} request headers. */
public final class Preconditions {

  private Preconditions() {}

  /**
   * @throws ApiException 400 for forms a write cannot honour: both headers, a list of etags in
   *     If-Match, or an If-None-Match other than {@code *}
   */
  public static Precondition parse(String ifMatch, String ifNoneMatch) {
    if (ifMatch != null && ifNoneMatch != null) {
      throw ApiException.badRequest(
          "invalid-precondition", "send either If-Match or If-None-Match, not both");
    }
    if (ifNoneMatch != null) {
      if (!ifNoneMatch.trim().equals("*")) {
        throw ApiException.badRequest(
            "invalid-precondition", "for writes only If-None-Match: * (create only) is supported");
      }
      return new Precondition.IfNoneExists();
    }
    if (ifMatch != null) {
      String value = ifMatch.trim();
      if (value.equals("*")) {
        return new Precondition.IfMatch("*");
      }
      if (value.startsWith("W/")) {
        throw ApiException.badRequest(
            "invalid-precondition", "If-Match needs a strong etag; weak etags (W/) never match");
      }
      if (value.length() < 3 || value.charAt(0) != '"' || value.charAt(value.length() - 1) != '"') {
        throw ApiException.badRequest(
            "invalid-precondition",
            "If-Match must be one quoted etag, e.g. If-Match: \"3-9f86d081884c7d65\"");
      }
      String etag = value.substring(1, value.length() - 1);
      if (etag.contains("\"") || etag.contains(",")) {
        throw ApiException.badRequest(
            "invalid-precondition", "If-Match must name exactly one etag");
      }
      return new Precondition.IfMatch(etag);
    }
    return Precondition.NONE;
  }

  /**
   * The precondition of one item of a JSON batch: {@code ifMatch} (an etag, quotes optional) or
   * {@code ifNoneMatch} ({@code "*"} only).
   *
   * @throws ApiException 400 for anything else
   */
  public static Precondition fromFields(Object ifMatch, Object ifNoneMatch) {
    if (ifMatch != null && !(ifMatch instanceof String)) {
      throw ApiException.badRequest("invalid-precondition", "ifMatch must be an etag string");
    }
    if (ifNoneMatch != null && !"*".equals(ifNoneMatch)) {
      throw ApiException.badRequest("invalid-precondition", "ifNoneMatch can only be \"*\"");
    }
    if (ifMatch != null && ifNoneMatch != null) {
      throw ApiException.badRequest(
          "invalid-precondition", "send either ifMatch or ifNoneMatch, not both");
    }
    if (ifNoneMatch != null) {
      return new Precondition.IfNoneExists();
    }
    if (ifMatch != null) {
      String etag = ((String) ifMatch).replace("\"", "");
      if (etag.isEmpty()) {
        throw ApiException.badRequest("invalid-precondition", "ifMatch must not be empty");
      }
      return new Precondition.IfMatch(etag);
    }
    return Precondition.NONE;
  }

  /**
   * The precondition a part of a multipart batch carries in its form field name: {@code
   * ifMatch=<etag>} or {@code ifNoneMatch=*} (a space or {@code :} may stand for the {@code =});
   * any other name not starting with {@code if} (such as {@code file}) carries none.
   *
   * @throws ApiException 400 for a name that starts with {@code if} but is neither form
   */
  public static Precondition fromPartName(String name) {
    if (name == null || !name.regionMatches(true, 0, "if", 0, 2)) {
      return Precondition.NONE;
    }
    // multipart decoders commonly turn '=' and ':' in field names into spaces
    String[] fieldAndValue = name.trim().split("[=:\\s]+", 2);
    if (fieldAndValue.length == 2 && fieldAndValue[0].equals("ifMatch")) {
      return fromFields(fieldAndValue[1], null);
    }
    if (fieldAndValue.length == 2 && fieldAndValue[0].equals("ifNoneMatch")) {
      return fromFields(null, fieldAndValue[1]);
    }
    throw ApiException.badRequest(
        "invalid-precondition",
        "a part's name carries a precondition as ifMatch=<etag> or ifNoneMatch=*, got '"
            + name
            + "'");
  }

  /**
   * Checks a precondition against the current live head before any body byte is read, so a doomed
   * upload is refused at once. The commit checks again atomically.
   *
   * @param head the live head, or empty when the path has no live file
   */
  public static void check(Precondition precondition, Optional<FileMeta> head) {
    if (precondition instanceof Precondition.IfNoneExists && head.isPresent()) {
      throw ApiException.preconditionFailed(
          "a file already exists at this path (If-None-Match: *)", head.get());
    }
    if (precondition instanceof Precondition.IfMatch match) {
      if (head.isEmpty()) {
        throw ApiException.preconditionFailed("there is no file at this path (If-Match)", null);
      }
      if (!match.etag().equals("*") && !match.etag().equals(head.get().etag())) {
        throw ApiException.preconditionFailed(
            "the file changed: its etag is now " + head.get().quotedEtag(), head.get());
      }
    }
  }
}
