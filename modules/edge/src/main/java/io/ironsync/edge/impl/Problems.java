package io.ironsync.edge.impl;

import io.ironsync.domain.ApiException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one failure handler: renders every error as {@code application/problem+json} (RFC 9457), logs
 * client errors at debug without a stack trace and server errors at error with one, and makes sure
 * an unread request body is released so the connection stays usable (see {@code endReleasingBody}).
 */
public final class Problems implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);
  private static final String TYPE_PREFIX = "urn:ironsync:problem:";
  private static final long DRAIN_LIMIT_BYTES = 256 * 1024;
  private static final long H2_DRAIN_LIMIT_BYTES = 1L << 30;

  @Override
  public void handle(RoutingContext ctx) {
    ApiException problem = toProblem(ctx);
    HttpServerResponse response = ctx.response();
    if (response.closed()) {
      return;
    }
    if (response.headWritten()) {
      response.reset();
      return;
    }
    JsonObject body =
        new JsonObject()
            .put("type", TYPE_PREFIX + problem.key())
            .put("title", problem.title())
            .put("status", problem.status())
            .put("detail", problem.detail())
            .put("requestId", RequestContext.requestId(ctx));
    problem.extensions().forEach(member -> body.put(member.getKey(), member.getValue()));
    response
        .setStatusCode(problem.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json");
    if (problem.retryAfterSeconds() != null) {
      response.putHeader(HttpHeaders.RETRY_AFTER, Long.toString(problem.retryAfterSeconds()));
    }
    if (problem.status() == 401) {
      response.putHeader("WWW-Authenticate", "Bearer realm=\"ironsync\", error=\"invalid_token\"");
    }
    endReleasingBody(ctx.request(), response, body.toBuffer());
  }

  private static ApiException toProblem(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ApiException api) {
      LOG.debug(
          "{} {}: {} {}",
          ctx.request().method(),
          RequestContext.route(ctx),
          api.status(),
          api.detail());
      return api;
    }
    int status = failure instanceof HttpException http ? http.getStatusCode() : ctx.statusCode();
    if (status == 404) {
      return ApiException.notFound(
          "no endpoint at " + ctx.request().method() + " " + abbreviate(ctx.request().path()));
    }
    if (status == 405) {
      return ApiException.of(
          405,
          "method-not-allowed",
          "Method not allowed",
          ctx.request().method() + " is not supported here");
    }
    if (status >= 400 && status < 500) {
      return ApiException.of(status, "bad-request", "Bad request", "the request was refused");
    }
    LOG.atError()
        .addKeyValue("requestId", RequestContext.requestId(ctx))
        .setCause(failure)
        .log("unexpected failure in {} {}", ctx.request().method(), RequestContext.route(ctx));
    return ApiException.of(
        500,
        "internal-error",
        "Internal server error",
        "an unexpected error occurred; quote request id " + RequestContext.requestId(ctx));
  }

  private static String abbreviate(String path) {
    return path.length() <= 200 ? path : path.substring(0, 200) + "...";
  }

  /**
   * Answers, then deals with whatever is left of the request body.
   *
   * <p>HTTP/1.1: a small rest (known length up to {@value #DRAIN_LIMIT_BYTES} bytes) is drained so
   * the connection stays usable; otherwise the connection is closed after the answer.
   *
   * <p>HTTP/2: the rest is read and discarded, which hands its flow-control window back. Resetting
   * the stream instead would be quicker, but on Vert.x 5.0.8 the window of data already on its way
   * for a reset stream is never returned to the connection, and after a few such resets the
   * connection cannot carry request bodies any more. Draining also suits clients that only read the
   * answer once they have sent the whole body (the JDK 17 client fails the exchange on a GOAWAY and
   * waits forever after a NO_ERROR reset). Past {@value #H2_DRAIN_LIMIT_BYTES} bytes of a refused
   * body the stream is reset with NO_ERROR, as RFC 9113 section 8.1 allows after a complete answer.
   * Draining costs bandwidth only, never memory.
   */
  private static void endReleasingBody(
      HttpServerRequest request, HttpServerResponse response, Buffer body) {
    if (request.isEnded()) {
      response.end(body);
      return;
    }
    if (request.version() == HttpVersion.HTTP_2) {
      response.end(body);
      long[] discarded = {0};
      request.handler(
          chunk -> {
            discarded[0] += chunk.length();
            if (discarded[0] > H2_DRAIN_LIMIT_BYTES
                && discarded[0] - chunk.length() <= H2_DRAIN_LIMIT_BYTES) {
              response.reset(0);
            }
          });
      request.resume();
      return;
    }
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && isSmall(length)) {
      request.handler(discarded -> {});
      request.resume();
      response.end(body);
      return;
    }
    // an HTTP/1.1 connection cannot be reused before the body is consumed: do not wait for it
    response.putHeader(HttpHeaders.CONNECTION, "close");
    response.end(body).onComplete(sent -> request.connection().close());
    request.handler(discarded -> {});
    request.resume();
  }

  private static boolean isSmall(String contentLength) {
    try {
      return Long.parseLong(contentLength.trim()) <= DRAIN_LIMIT_BYTES;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
