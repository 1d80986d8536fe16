package io.ironsync.metadata.impl;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.FileMeta;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * An {@link ApiException} as the JSON text of an event-bus failure reply, and back. JSON rather
 * than the exception object keeps the reply meaningful should the bus ever leave the JVM.
 */
public final class Problems {

  private static final String CURRENT = "current";

  private Problems() {}

  public static String toJson(ApiException problem) {
    JsonObject json =
        new JsonObject()
            .put("status", problem.status())
            .put("key", problem.key())
            .put("title", problem.title())
            .put("detail", problem.detail());
    if (!problem.extensions().isEmpty()) {
      json.put("extensions", problem.extensions());
    }
    if (problem.retryAfterSeconds() != null) {
      json.put("retryAfter", problem.retryAfterSeconds());
    }
    return json.encode();
  }

  /** Rebuilds the problem from a failure reply's code and message. */
  public static ApiException fromReply(int status, String message) {
    JsonObject json;
    try {
      json = new JsonObject(message);
    } catch (DecodeException | NullPointerException e) {
      return ApiException.of(
          500, "metadata-failure", "Metadata failure", "unreadable failure reply: " + message);
    }
    if (status < 400 || status > 599) {
      status = 500;
    }
    String key = json.getString("key", "metadata-failure");
    String title = json.getString("title", "Metadata failure");
    String detail = json.getString("detail");
    JsonObject extensions = json.getJsonObject("extensions", new JsonObject());
    if (status == 412) {
      JsonObject current = extensions.getJsonObject(CURRENT);
      return ApiException.preconditionFailed(detail, current == null ? null : meta(current));
    }
    if (status == 503) {
      return ApiException.unavailable(key, detail, json.getLong("retryAfter", 1L));
    }
    return ApiException.of(status, key, title, detail, extensions);
  }

  private static FileMeta meta(JsonObject json) {
    return new FileMeta(
        json.getString("path"),
        json.getLong("rev"),
        json.getLong("size"),
        json.getString("sha256"),
        json.getString("etag"),
        Instant.parse(json.getString("modified")),
        json.getString("deviceId"));
  }
}
