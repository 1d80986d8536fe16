package io.ironsync.edge.impl;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every request: pauses the request so no body byte is lost to a later async
 * step, gives it a request id ({@code X-Request-Id} echoed when the client sent a sane one), notes
 * its trace id, and writes one access-log line (and, for accesses to a user's files, one audit
 * event) when the exchange ends or the client goes away.
 */
public final class RequestLogging implements Handler<RoutingContext> {

  private static final Logger ACCESS = LoggerFactory.getLogger("ironsync.access");
  private static final String HEADER = "X-Request-Id";
  private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    request.pause();
    long started = System.nanoTime();
    String offered = request.getHeader(HEADER);
    String id = offered != null && SANE_ID.matcher(offered).matches() ? offered : newId();
    RequestContext.setRequestId(ctx, id);
    // the request's span is current only until its answer is sent; the lines written when the
    // exchange ends take its trace id from here
    SpanContext span = Span.current().getSpanContext();
    if (span.isValid()) {
      RequestContext.setTraceId(ctx, span.getTraceId());
    }
    ctx.response().putHeader(HEADER, id);
    // vertx-web may report a failure here when an HTTP/2 stream closes right after its answer,
    // so whether the answer went out is read from the response itself
    ctx.addEndHandler(
        ended -> {
          boolean completed = ctx.response().ended();
          log(ctx, id, started, completed);
          Audit.record(ctx, id, completed);
        });
    ctx.next();
  }

  private static String newId() {
    return UUID.randomUUID().toString();
  }

  private static void log(RoutingContext ctx, String id, long started, boolean completed) {
    var caller = RequestContext.caller(ctx);
    ACCESS
        .atInfo()
        .addKeyValue("requestId", id)
        .addKeyValue("traceId", RequestContext.traceId(ctx))
        .addKeyValue("method", ctx.request().method().name())
        .addKeyValue("route", RequestContext.route(ctx))
        .addKeyValue("status", completed ? ctx.response().getStatusCode() : 0)
        .addKeyValue("outcome", completed ? "completed" : "aborted")
        .addKeyValue("durationMs", (System.nanoTime() - started) / 1_000_000)
        .addKeyValue("bytesIn", ctx.request().bytesRead())
        .addKeyValue("bytesOut", ctx.response().bytesWritten())
        .addKeyValue("protocol", ctx.request().version().alpnName())
        .addKeyValue("user", caller == null ? null : pseudonym(caller.userId()))
        .addKeyValue("device", caller == null ? null : caller.deviceId())
        .log("request");
  }

  /** Logs name users by a stable pseudonym, never the raw id. */
  static String pseudonym(String userId) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(userId.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
