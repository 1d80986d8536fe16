package io.ironsync.domain;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * What a client learns about one revision of a file. {@code etag} is unique per (path, revision)
 * and is what {@code If-Match} compares against; {@code sha256} is the lowercase hex digest of the
 * content.
 */
public record FileMeta(
    String path,
    long rev,
    long size,
    String sha256,
    String etag,
    Instant modified,
    String deviceId) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("path", path)
        .put("rev", rev)
        .put("size", size)
        .put("sha256", sha256)
        .put("etag", etag)
        .put("modified", modified.toString())
        .put("deviceId", deviceId);
  }

  /** The quoted form used in the {@code ETag} response header. */
  public String quotedEtag() {
    return '"' + etag + '"';
  }
}
