package io.ironsync.domain;

import io.vertx.core.json.JsonObject;

/**
 * A failure a client can act on: it carries the HTTP status, a stable problem key (the last part of
 * the problem {@code type} URI) and a human-readable detail. Any extension members (for example the
 * current metadata of a file after a failed precondition) travel in {@link #extensions()}.
 *
 * <p>Stack traces are not recorded: these are expected outcomes, not bugs.
 */
public final class ApiException extends RuntimeException {

  private final int status;
  private final String key;
  private final String title;
  private final JsonObject extensions;
  private final Long retryAfterSeconds;

  private ApiException(
      int status,
      String key,
      String title,
      String detail,
      JsonObject extensions,
      Long retryAfterSeconds) {
    super(detail, null, false, false);
    this.status = status;
    this.key = key;
    this.title = title;
    this.extensions = extensions == null ? new JsonObject() : extensions;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public static ApiException of(int status, String key, String title, String detail) {
    return new ApiException(status, key, title, detail, null, null);
  }

  /** With extension members the problem body carries next to the standard ones. */
  public static ApiException of(
      int status, String key, String title, String detail, JsonObject extensions) {
    return new ApiException(status, key, title, detail, extensions, null);
  }

  public static ApiException badRequest(String key, String detail) {
    return of(400, key, "Bad request", detail);
  }

  public static ApiException unauthorized(String detail) {
    return of(401, "unauthorized", "Unauthorized", detail);
  }

  public static ApiException notFound(String detail) {
    return of(404, "not-found", "Not found", detail);
  }

  public static ApiException conflict(String key, String detail) {
    return of(409, key, "Conflict", detail);
  }

  public static ApiException preconditionFailed(String detail, FileMeta current) {
    JsonObject ext = new JsonObject();
    if (current != null) {
      ext.put("current", current.toJson());
    }
    return new ApiException(412, "precondition-failed", "Precondition failed", detail, ext, null);
  }

  /**
   * What the client refers to existed once but can no longer be served (an expired sync cursor);
   * {@code extensions} tells it how to start over.
   */
  public static ApiException gone(String key, String detail, JsonObject extensions) {
    return of(410, key, "Gone", detail, extensions);
  }

  public static ApiException tooLarge(String detail) {
    return of(413, "too-large", "Content too large", detail);
  }

  /**
   * The user's storage quota cannot take the write. Not worth retrying as is: the user has to free
   * space (or get a larger quota) first.
   */
  public static ApiException insufficientStorage(String detail) {
    return of(507, "quota-exceeded", "Storage quota exceeded", detail);
  }

  /** A per-user limit refused the request; the client may retry after the given time. */
  public static ApiException tooManyRequests(String key, String detail, long retryAfterSeconds) {
    return new ApiException(429, key, "Too many requests", detail, null, retryAfterSeconds);
  }

  public static ApiException unavailable(String key, String detail, long retryAfterSeconds) {
    return new ApiException(503, key, "Service unavailable", detail, null, retryAfterSeconds);
  }

  public static ApiException storageFailure(String detail) {
    return of(502, "storage-failure", "Storage failure", detail);
  }

  public int status() {
    return status;
  }

  public String key() {
    return key;
  }

  public String title() {
    return title;
  }

  public String detail() {
    return getMessage();
  }

  public JsonObject extensions() {
    return extensions;
  }

  /** Seconds a client should wait before retrying, or null when retrying soon is pointless. */
  public Long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
