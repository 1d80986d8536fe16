package io.ironsync.edge.impl;

import io.ironsync.resumable.TusEndpoints;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Cross-origin access for browser clients (web apps, Uppy with tus-js-client) from the configured
 * origins: preflights are answered here; every answer names the headers a script may read.
 */
public final class Cors {

  private static final Set<HttpMethod> METHODS =
      Set.of(
          HttpMethod.GET,
          HttpMethod.HEAD,
          HttpMethod.PUT,
          HttpMethod.POST,
          HttpMethod.PATCH,
          HttpMethod.DELETE,
          HttpMethod.OPTIONS);

  private static final Set<String> REQUEST_HEADERS =
      Set.of(
          "Authorization",
          "Content-Type",
          "Content-Digest",
          "If-Match",
          "If-None-Match",
          "Range",
          "Last-Event-ID",
          "X-Request-Id",
          "X-HTTP-Method-Override",
          "Tus-Resumable",
          "Upload-Length",
          "Upload-Defer-Length",
          "Upload-Offset",
          "Upload-Metadata",
          "Upload-Checksum",
          "Upload-Concat");

  private Cors() {}

  /** {@code *} allows any origin (without credentials); otherwise exactly the listed ones. */
  public static CorsHandler handler(List<String> origins) {
    CorsHandler cors = CorsHandler.create();
    if (!origins.contains("*")) {
      origins.forEach(cors::addOrigin);
    }
    return cors.allowedMethods(METHODS)
        .allowedHeaders(REQUEST_HEADERS)
        .exposedHeaders(Set.copyOf(Arrays.asList(TusEndpoints.EXPOSED_HEADERS.split(","))))
        .exposedHeader("X-Request-Id")
        .maxAgeSeconds(600);
  }
}
