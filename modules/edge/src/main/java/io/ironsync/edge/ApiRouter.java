package io.ironsync.edge;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.Caller;
import io.ironsync.domain.FilePath;
import io.ironsync.edge.impl.Authentication;
import io.ironsync.edge.impl.Cors;
import io.ironsync.edge.impl.FileRoutes;
import io.ironsync.edge.impl.OpsRoutes;
import io.ironsync.edge.impl.Problems;
import io.ironsync.edge.impl.RequestContext;
import io.ironsync.edge.impl.RequestLogging;
import io.ironsync.edge.impl.TusRoutes;
import io.ironsync.sync.SyncEndpoints;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/** The public API, version 1: which route goes to which handler. */
public final class ApiRouter {

  /** JSON operation bodies: a batch of 1,000 items with long paths fits comfortably. */
  static final long MAX_JSON_BODY = 4L << 20;

  private ApiRouter() {}

  /**
   * @param leftForWebSocket told of each connection that upgraded to a WebSocket and so stopped
   *     speaking HTTP
   */
  public static Router create(
      Vertx vertx,
      EdgeServices services,
      SyncEndpoints sync,
      List<String> corsOrigins,
      Handler<HttpConnection> leftForWebSocket) {
    Router router = Router.router(vertx);
    FileRoutes files = new FileRoutes(services.metadata());
    OpsRoutes ops = new OpsRoutes(services.metadata(), services.batches(), services.quotaBytes());
    Authentication authentication = new Authentication(services.tokens());
    Handler<RoutingContext> admission =
        ctx ->
            services
                .limits()
                .admitRequest(caller(ctx).userId())
                .onSuccess(v -> ctx.next())
                .onFailure(ctx::fail);
    router.route().handler(new RequestLogging());
    if (!corsOrigins.isEmpty()) {
      // a preflight is answered by the CORS handler itself: its (empty) request must not stay
      // paused, or a kept-alive HTTP/1.1 connection would never read the next request
      router
          .route()
          .method(HttpMethod.OPTIONS)
          .handler(
              ctx -> {
                ctx.request().resume();
                ctx.next();
              });
      router.route().handler(Cors.handler(corsOrigins));
    }

    ApiRoute file =
        new ApiRoute(router, authentication, admission, "/v1/files/", FilePath::fromUrl);
    file.on(HttpMethod.PUT, (ctx, path) -> services.uploads().handle(ctx, caller(ctx), path));
    file.on(HttpMethod.GET, (ctx, path) -> services.downloads().handle(ctx, caller(ctx), path));
    file.on(HttpMethod.HEAD, (ctx, path) -> services.downloads().handle(ctx, caller(ctx), path));
    file.on(HttpMethod.DELETE, files::delete);
    new ApiRoute(router, authentication, admission, "/v1/meta/", FilePath::fromUrl)
        .on(HttpMethod.GET, files::meta);
    new ApiRoute(router, authentication, admission, "/v1/list/", FilePath::folderFromUrl)
        .on(HttpMethod.GET, files::list);

    new ApiRoute(router, authentication, admission, "/v1/versions/", FilePath::fromUrl)
        .on(HttpMethod.GET, ops::versions);

    // the API's own description, for anyone (no token)
    Buffer openApi = openApiDocument();
    router
        .route(HttpMethod.GET, OPENAPI_PATH)
        .setName(OPENAPI_PATH)
        .handler(
            ctx -> {
              RequestContext.setRoute(ctx, OPENAPI_PATH);
              ctx.request().resume();
              ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml").end(openApi);
            });

    Exact exact = new Exact(router, authentication, admission);
    exact.post("/v1/ops/move", ops::move);
    exact.post("/v1/ops/restore", ops::restore);
    exact.post("/v1/ops/lookup-hashes", ops::lookupHashes);
    exact.multipart("/v1/ops/commit-batch", ops::commitBatchUpload);
    exact.post("/v1/ops/commit-batch", ops::commitBatch);
    exact.get("/v1/changes", sync::changes);
    exact.get("/v1/changes/wait", sync::waitForChanges);
    exact.get("/v1/events", sync::events);
    exact.upgrade(
        "/v1/ws",
        (ctx, caller) ->
            sync.webSocket(ctx, caller)
                .onSuccess(socket -> leftForWebSocket.handle(ctx.request().connection())));
    TusRoutes.mount(router, authentication, admission, services.tus());

    Problems problems = new Problems();
    router.route().failureHandler(problems);
    // requests no route matched never reach a route's failure handler
    router.errorHandler(404, problems);
    router.errorHandler(405, problems);
    return router;
  }

  static final String OPENAPI_PATH = "/v1/openapi.yaml";

  private static Buffer openApiDocument() {
    try (java.io.InputStream in = ApiRouter.class.getResourceAsStream("/openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi.yaml is missing from the class path");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * The API routes of a router built here, as {@code METHOD /template} with OpenAPI-style
   * parameters: a path remainder is {@code {path}}, {@code :id} is {@code {id}}.
   */
  public static java.util.SortedSet<String> routeTable(Router router) {
    java.util.SortedSet<String> table = new java.util.TreeSet<>();
    for (Route route : router.getRoutes()) {
      String name = route.getName();
      if (name == null || !name.startsWith("/v1/") || route.methods() == null) {
        continue;
      }
      String template = name.replace("*", "{path}").replace(":id", "{id}");
      for (HttpMethod method : route.methods()) {
        table.add(method.name() + " " + template);
      }
    }
    return table;
  }

  private static Caller caller(RoutingContext ctx) {
    return RequestContext.caller(ctx);
  }

  /** Routes with a fixed path, authenticated and admitted like the others. */
  private record Exact(
      Router router, Authentication authentication, Handler<RoutingContext> admission) {

    void get(String path, BiConsumer<RoutingContext, Caller> handler) {
      route(HttpMethod.GET, path, handler, true);
    }

    /**
     * A WebSocket: the request stays paused, because the handshake must still find it unread after
     * the handler's asynchronous checks; the handshake resumes it.
     */
    void upgrade(String path, BiConsumer<RoutingContext, Caller> handler) {
      route(HttpMethod.GET, path, handler, false);
    }

    /** A JSON operation: the body (at most {@link #MAX_JSON_BODY} bytes) is read first. */
    void post(String path, BiConsumer<RoutingContext, Caller> handler) {
      // the body handler has read the request to its end; over HTTP/2 resuming it then fails
      route(HttpMethod.POST, path, handler, false);
    }

    /** A multipart upload: the request stays paused for its handler, which streams the parts. */
    void multipart(String path, BiConsumer<RoutingContext, Caller> handler) {
      router
          .route(HttpMethod.POST, path)
          .consumes("multipart/form-data")
          .setName(path)
          .handler(
              ctx -> {
                RequestContext.setRoute(ctx, path);
                ctx.next();
              })
          .handler(authentication)
          .handler(admission)
          .handler(ctx -> handler.accept(ctx, caller(ctx)));
    }

    private void route(
        HttpMethod method,
        String path,
        BiConsumer<RoutingContext, Caller> handler,
        boolean resume) {
      Route route = router.route(method, path).setName(path);
      if (method == HttpMethod.POST) {
        // Vert.x wants the body handler first on its route
        route.handler(BodyHandler.create(false).setBodyLimit(MAX_JSON_BODY));
      }
      route
          .handler(
              ctx -> {
                RequestContext.setRoute(ctx, path);
                ctx.next();
              })
          .handler(authentication)
          .handler(admission)
          .handler(
              ctx -> {
                if (resume) {
                  ctx.request().resume();
                }
                handler.accept(ctx, caller(ctx));
              });
    }
  }

  /**
   * The routes under one prefix: the rest of the raw (still percent-encoded) path becomes a {@link
   * FilePath}. Each route is named by its template, so metrics carry the template and never a raw
   * path. Every route authenticates, then counts the request against its user's request rate (429
   * past the burst). Only PUT keeps the request paused: its handler owns the body.
   */
  private record ApiRoute(
      Router router,
      Authentication authentication,
      Handler<RoutingContext> admission,
      String prefix,
      Function<String, FilePath> parser) {

    void on(HttpMethod method, BiConsumer<RoutingContext, FilePath> handler) {
      String template = prefix + "*";
      router
          .route(method, template)
          .setName(template)
          .handler(
              ctx -> {
                RequestContext.setRoute(ctx, template);
                ctx.next();
              })
          .handler(authentication)
          .handler(admission)
          .handler(ctx -> handler.accept(ctx, parse(ctx, method)));
    }

    private FilePath parse(RoutingContext ctx, HttpMethod method) {
      String raw = ctx.request().path();
      String bare = prefix.substring(0, prefix.length() - 1);
      String rest;
      if (raw.startsWith(prefix)) {
        rest = raw.substring(prefix.length());
      } else if (raw.equals(bare)) {
        rest = "";
      } else {
        throw ApiException.badRequest(
            "invalid-path", "the path must start with " + prefix + " exactly as written");
      }
      FilePath path = parser.apply(rest);
      if (method != HttpMethod.PUT) {
        ctx.request().resume();
      }
      return path;
    }
  }
}
