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
 * an unread request body is released: drained when small, otherwise the HTTP/2 stream is reset
 * after the answer (NO_ERROR) or the HTTP/1.1 connection closed.
 */
public final class Problems implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);
  private static final String TYPE_PREFIX = "urn:ironsync:problem:";
  private static final long DRAIN_LIMIT_BYTES = 256 * 1024;

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
   * Answers, then deals with whatever is left of the request body: it is read and discarded, and if
   * more than {@value #DRAIN_LIMIT_BYTES} bytes keep coming the HTTP/2 stream is reset with
   * NO_ERROR (RFC 9113 §8.1: a complete answer, then "stop sending") or, for HTTP/1.1, the
   * connection is closed after the answer.
   */
  private static void endReleasingBody(
      HttpServerRequest request, HttpServerResponse response, Buffer body) {
    if (request.isEnded()) {
      response.end(body);
      return;
    }
    boolean http2 = request.version() == HttpVersion.HTTP_2;
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (http2 && length != null && !isSmall(length)) {
      response.end(body).onComplete(sent -> response.reset(0));
      return;
    }
    if (!http2 && (length == null || !isSmall(length))) {
      // an HTTP/1.1 connection cannot be reused before the body is consumed: do not wait for it
      response.putHeader(HttpHeaders.CONNECTION, "close");
      response.end(body).onComplete(sent -> request.connection().close());
    } else {
      response.end(body);
    }
    long[] discarded = {0};
    request.handler(
        chunk -> {
          discarded[0] += chunk.length();
          if (http2 && discarded[0] > DRAIN_LIMIT_BYTES) {
            request.handler(null);
            response.reset(0);
          }
        });
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
