package io.ironsync.edge.impl;

import io.ironsync.domain.Caller;
import io.vertx.ext.web.RoutingContext;

/** What the edge's handlers store on a routing context, under one set of keys. */
public final class RequestContext {

  private static final String REQUEST_ID = "ironsync.requestId";
  private static final String CALLER = "ironsync.caller";
  private static final String ROUTE = "ironsync.route";
  private static final String TRACE_ID = "ironsync.traceId";

  private RequestContext() {}

  static void setRequestId(RoutingContext ctx, String id) {
    ctx.put(REQUEST_ID, id);
  }

  public static String requestId(RoutingContext ctx) {
    return ctx.get(REQUEST_ID);
  }

  static void setTraceId(RoutingContext ctx, String traceId) {
    ctx.put(TRACE_ID, traceId);
  }

  /** The id of the trace the request belongs to, or null when it has none. */
  static String traceId(RoutingContext ctx) {
    return ctx.get(TRACE_ID);
  }

  static void setCaller(RoutingContext ctx, Caller caller) {
    ctx.put(CALLER, caller);
  }

  /** The authenticated caller; only set on routes behind authentication. */
  public static Caller caller(RoutingContext ctx) {
    return ctx.get(CALLER);
  }

  public static void setRoute(RoutingContext ctx, String template) {
    ctx.put(ROUTE, template);
  }

  /** The route template that served the request, for logs; never the raw path. */
  static String route(RoutingContext ctx) {
    String route = ctx.get(ROUTE);
    return route == null ? "unmatched" : route;
  }
}
