package io.ironsync.edge;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.FilePath;
import io.ironsync.edge.impl.Authentication;
import io.ironsync.edge.impl.FileRoutes;
import io.ironsync.edge.impl.Problems;
import io.ironsync.edge.impl.RequestContext;
import io.ironsync.edge.impl.RequestLogging;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BiConsumer;
import java.util.function.Function;

/** The public API, version 1: which route goes to which handler. */
public final class ApiRouter {

  private ApiRouter() {}

  public static Router create(Vertx vertx, EdgeServices services) {
    Router router = Router.router(vertx);
    FileRoutes files = new FileRoutes(services.metadata());
    router.route().handler(new RequestLogging());
    router.route("/v1/*").handler(new Authentication(services.tokens()));

    String file = "/v1/files/";
    route(
        router,
        HttpMethod.PUT,
        file,
        FilePath::fromUrl,
        (ctx, path) -> services.uploads().handle(ctx, RequestContext.caller(ctx), path));
    route(
        router,
        HttpMethod.GET,
        file,
        FilePath::fromUrl,
        (ctx, path) -> services.downloads().handle(ctx, RequestContext.caller(ctx), path));
    route(
        router,
        HttpMethod.HEAD,
        file,
        FilePath::fromUrl,
        (ctx, path) -> services.downloads().handle(ctx, RequestContext.caller(ctx), path));
    route(router, HttpMethod.DELETE, file, FilePath::fromUrl, files::delete);
    route(router, HttpMethod.GET, "/v1/meta/", FilePath::fromUrl, files::meta);
    route(router, HttpMethod.GET, "/v1/list/", FilePath::folderFromUrl, files::list);
    router
        .get("/v1/list")
        .handler(
            ctx -> {
              RequestContext.setRoute(ctx, "/v1/list");
              ctx.request().resume();
              files.list(ctx, FilePath.ROOT);
            });

    router.route().failureHandler(new Problems());
    return router;
  }

  /**
   * Registers {@code prefix*}: the rest of the raw (still percent-encoded) path is parsed into a
   * {@link FilePath}. Only PUT keeps the request paused: its handler owns the body.
   */
  private static void route(
      Router router,
      HttpMethod method,
      String prefix,
      Function<String, FilePath> parser,
      BiConsumer<RoutingContext, FilePath> handler) {
    String template = prefix + "*";
    router
        .route(method, template)
        .handler(
            ctx -> {
              RequestContext.setRoute(ctx, template);
              String raw = ctx.request().path();
              if (!raw.startsWith(prefix)) {
                throw ApiException.badRequest(
                    "invalid-path", "the path must start with " + prefix + " exactly as written");
              }
              FilePath path = parser.apply(raw.substring(prefix.length()));
              if (method != HttpMethod.PUT) {
                ctx.request().resume();
              }
              handler.accept(ctx, path);
            });
  }
}
