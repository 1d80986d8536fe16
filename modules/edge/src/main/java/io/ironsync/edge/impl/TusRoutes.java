package io.ironsync.edge.impl;

import io.ironsync.domain.Caller;
import io.ironsync.resumable.TusEndpoints;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.MethodOverrideHandler;

/**
 * The tus routes under {@code /v1/uploads}. Discovery (OPTIONS) needs no token, so browsers' and
 * stock clients' probes work; everything else is authenticated and admitted like the rest of the
 * API. POST and PATCH keep the request paused: their handler owns the body.
 */
public final class TusRoutes {

  static final String COLLECTION = "/v1/uploads";
  static final String UPLOAD = "/v1/uploads/:id";

  private TusRoutes() {}

  @FunctionalInterface
  private interface UploadHandler {
    void handle(RoutingContext ctx, Caller caller, String id);
  }

  public static void mount(
      Router router,
      Handler<RoutingContext> authentication,
      Handler<RoutingContext> admission,
      TusEndpoints tus) {
    for (String path : new String[] {COLLECTION, UPLOAD}) {
      router
          .route(HttpMethod.OPTIONS, path)
          .setName(path)
          .handler(ctx -> start(ctx, path))
          .handler(
              ctx -> {
                ctx.request().resume();
                tus.options(ctx);
              });
    }
    // clients that cannot send PATCH (HttpURLConnection) send POST with X-HTTP-Method-Override
    router.route(HttpMethod.POST, UPLOAD).setName(UPLOAD).handler(MethodOverrideHandler.create());
    router
        .route(HttpMethod.POST, COLLECTION)
        .setName(COLLECTION)
        .handler(ctx -> start(ctx, COLLECTION))
        .handler(authentication)
        .handler(admission)
        .handler(ctx -> tus.create(ctx, RequestContext.caller(ctx)));
    on(router, authentication, admission, HttpMethod.HEAD, tus::head, true);
    on(router, authentication, admission, HttpMethod.PATCH, tus::patch, false);
    on(router, authentication, admission, HttpMethod.DELETE, tus::terminate, true);
  }

  private static void on(
      Router router,
      Handler<RoutingContext> authentication,
      Handler<RoutingContext> admission,
      HttpMethod method,
      UploadHandler handler,
      boolean resume) {
    router
        .route(method, UPLOAD)
        .setName(UPLOAD)
        .handler(ctx -> start(ctx, UPLOAD))
        .handler(authentication)
        .handler(admission)
        .handler(
            ctx -> {
              if (resume) {
                ctx.request().resume();
              }
              handler.handle(ctx, RequestContext.caller(ctx), ctx.pathParam("id"));
            });
  }

  private static void start(RoutingContext ctx, String template) {
    RequestContext.setRoute(ctx, template);
    TusEndpoints.markResponses(ctx);
    ctx.next();
  }
}
