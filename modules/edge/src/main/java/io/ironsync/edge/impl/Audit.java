package io.ironsync.edge.impl;

import io.ironsync.domain.Caller;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit stream: one event per access to a user's files (who read, wrote, deleted or moved what,
 * from which device and address, with what outcome), on the {@code ironsync.audit} logger, which
 * the packaged logging configuration writes to a file of its own. Unlike the access log it names
 * the user, since answering "who did this" is its purpose; tokens and contents never appear.
 */
final class Audit {

  private static final Logger AUDIT = LoggerFactory.getLogger("ironsync.audit");

  /** Audited requests: method and route template to the action they perform. */
  private static final Map<String, String> ACTIONS =
      Map.ofEntries(
          Map.entry("PUT /v1/files/*", "write"),
          Map.entry("GET /v1/files/*", "read"),
          Map.entry("DELETE /v1/files/*", "delete"),
          Map.entry("GET /v1/meta/*", "stat"),
          Map.entry("GET /v1/list/*", "list"),
          Map.entry("GET /v1/versions/*", "versions"),
          Map.entry("POST /v1/ops/move", "move"),
          Map.entry("POST /v1/ops/restore", "restore"),
          Map.entry("POST /v1/ops/commit-batch", "write-batch"),
          Map.entry("POST /v1/uploads", "upload-create"),
          Map.entry("PATCH /v1/uploads/:id", "upload"),
          Map.entry("DELETE /v1/uploads/:id", "upload-terminate"));

  private Audit() {}

  /** Records the request if it touched a user's files; called once the exchange is over. */
  static void record(RoutingContext ctx, String requestId, boolean completed) {
    Caller caller = RequestContext.caller(ctx);
    HttpMethod method = ctx.request().method();
    String action = ACTIONS.get(method.name() + " " + RequestContext.route(ctx));
    if (caller == null || action == null) {
      return;
    }
    SocketAddress remote = ctx.request().remoteAddress();
    AUDIT
        .atInfo()
        .addKeyValue("action", action)
        .addKeyValue("user", caller.userId())
        .addKeyValue("device", caller.deviceId())
        .addKeyValue("address", remote == null ? null : remote.hostAddress())
        .addKeyValue("path", ctx.request().path())
        .addKeyValue("status", completed ? ctx.response().getStatusCode() : 0)
        .addKeyValue("outcome", completed ? "completed" : "aborted")
        .addKeyValue("requestId", requestId)
        .addKeyValue("traceId", RequestContext.traceId(ctx))
        .log(action);
  }
}
