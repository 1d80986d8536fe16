package io.ironsync.observability.impl;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps users' file names and cursors out of exported spans. Vert.x records the full request URL,
 * path and query of every server span; paths name files ({@code /v1/files/<path>}) and queries
 * carry cursors and page tokens that encode paths. Before any exporter sees a span, its path keeps
 * only the resource ({@code /v1/files/{path}}), like the route labels of the metrics, and its query
 * is replaced.
 */
public final class UrlRedaction implements SpanProcessor {

  private static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
  private static final AttributeKey<String> URL_QUERY = AttributeKey.stringKey("url.query");
  private static final AttributeKey<String> HTTP_URL = AttributeKey.stringKey("http.url");
  private static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
  private static final List<AttributeKey<String>> URLS = List.of(HTTP_URL, URL_FULL);
  private static final String REDACTED = "redacted";

  // /v1/<resource>/<anything>: the resource stays, the rest names a user's file or upload
  private static final Pattern NAMED = Pattern.compile("^(/v1/(?:files|meta|list|versions))/.*$");
  private static final Pattern UPLOAD = Pattern.compile("^(/v1/uploads)/.+$");
  private static final Pattern URL = Pattern.compile("^([a-z]+://[^/]*)(/[^?]*)?(\\?.*)?$");

  /** The path with a user's file path or upload id replaced by a placeholder. */
  static String path(String path) {
    Matcher named = NAMED.matcher(path);
    if (named.matches()) {
      return named.group(1) + "/{path}";
    }
    Matcher upload = UPLOAD.matcher(path);
    if (upload.matches()) {
      return upload.group(1) + "/{id}";
    }
    return path;
  }

  /** A full URL with its path redacted and its query dropped. */
  static String url(String url) {
    Matcher parts = URL.matcher(url);
    if (!parts.matches()) {
      return REDACTED;
    }
    String path = parts.group(2) == null ? "" : path(parts.group(2));
    return parts.group(1) + path + (parts.group(3) == null ? "" : "?" + REDACTED);
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    String path = span.getAttribute(URL_PATH);
    if (path != null) {
      span.setAttribute(URL_PATH, path(path));
    }
    if (span.getAttribute(URL_QUERY) != null) {
      span.setAttribute(URL_QUERY, REDACTED);
    }
    for (AttributeKey<String> key : URLS) {
      String url = span.getAttribute(key);
      if (url != null) {
        span.setAttribute(key, url(url));
      }
    }
  }

  @Override
  public boolean isStartRequired() {
    return true;
  }

  @Override
  public void onEnd(ReadableSpan span) {}

  @Override
  public boolean isEndRequired() {
    return false;
  }
}
