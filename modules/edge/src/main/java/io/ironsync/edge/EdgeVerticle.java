package io.ironsync.edge;

import io.ironsync.config.IronSyncConfig;
import io.ironsync.edge.impl.ConnectionTracker;
import io.ironsync.metadata.BatchCommitRequest;
import io.ironsync.observability.ConnectionMetrics;
import io.ironsync.sync.SyncEndpoints;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One event loop's share of the public API: HTTP/1.1 and h2c (prior knowledge and upgrade) on
 * {@code http.port}, h2 and HTTP/1.1 over TLS (ALPN) on {@code http.tls-port}. Deployed once per
 * core; Vert.x spreads connections over the instances.
 *
 * <p>Stopping is graceful: the servers stop accepting, HTTP/2 connections get GOAWAY, and requests
 * in flight may finish for the shutdown grace period before their connections are closed.
 *
 * <p>Open connections are counted by protocol (HTTP/1.1, h2c, h2, HTTP/1.1 over TLS).
 */
public final class EdgeVerticle extends VerticleBase {

  private static final int MAX_FORM_FIELDS_MARGIN = 16;

  private static final int MAX_FRAME_SIZE = 256 * 1024;

  private final IronSyncConfig.Http http;
  private final IronSyncConfig.TlsFiles tls;
  private final Duration shutdownGrace;
  private final EdgeServices services;
  private final ConnectionMetrics connectionMetrics;
  private HttpServer plain;
  private HttpServer secure;
  private SyncEndpoints sync;
  private Router router;

  public EdgeVerticle(
      IronSyncConfig.Http http,
      IronSyncConfig.TlsFiles tls,
      Duration shutdownGrace,
      EdgeServices services,
      ConnectionMetrics connectionMetrics) {
    this.http = http;
    this.tls = tls;
    this.shutdownGrace = shutdownGrace;
    this.services = services;
    this.connectionMetrics = connectionMetrics;
  }

  @Override
  public Future<?> start() {
    return services
        .sync()
        .attach(vertx)
        .compose(
            endpoints -> {
              sync = endpoints;
              ConnectionTracker connections = new ConnectionTracker(connectionMetrics);
              router =
                  ApiRouter.create(
                      vertx, services, endpoints, http.corsOrigins(), connections::upgraded);
              Future<HttpServer> plainListening =
                  vertx
                      .createHttpServer(plainOptions(http))
                      .connectionHandler(connections::opened)
                      .requestHandler(router)
                      .listen();
              Future<HttpServer> secureListening =
                  vertx
                      .createHttpServer(tlsOptions(http, tls))
                      .connectionHandler(connections::opened)
                      .requestHandler(router)
                      .listen();
              return Future.all(plainListening, secureListening)
                  .onSuccess(
                      all -> {
                        plain = plainListening.result();
                        secure = secureListening.result();
                      });
            });
  }

  /** The API routes this verticle serves, as {@code METHOD /template}; after it started. */
  public java.util.SortedSet<String> routes() {
    return ApiRouter.routeTable(router);
  }

  @Override
  public Future<?> stop() {
    long millis = shutdownGrace.toMillis();
    // push connections never finish on their own; their devices reconnect to another node
    Future<Void> pushEnded = sync == null ? Future.succeededFuture() : sync.stop();
    return pushEnded.transform(
        ended ->
            Future.join(
                plain == null
                    ? Future.succeededFuture()
                    : plain.shutdown(millis, TimeUnit.MILLISECONDS),
                secure == null
                    ? Future.succeededFuture()
                    : secure.shutdown(millis, TimeUnit.MILLISECONDS)));
  }

  public int actualPort() {
    return plain.actualPort();
  }

  public int actualTlsPort() {
    return secure.actualPort();
  }

  static HttpServerOptions plainOptions(IronSyncConfig.Http http) {
    return common(http).setPort(http.port());
  }

  static HttpServerOptions tlsOptions(IronSyncConfig.Http http, IronSyncConfig.TlsFiles tls) {
    return common(http)
        .setPort(http.tlsPort())
        .setSsl(true)
        .setUseAlpn(true)
        .setKeyCertOptions(
            new PemKeyCertOptions()
                .setCertPath(tls.cert().toString())
                .setKeyPath(tls.key().toString()));
  }

  private static HttpServerOptions common(IronSyncConfig.Http http) {
    return new HttpServerOptions()
        .setHost(http.host())
        // a multipart batch is one form field per file; the batch answers more than it holds
        // itself, so the form decoder must let that many through (its default stops at 256)
        .setMaxFormFields(BatchCommitRequest.MAX_ITEMS + MAX_FORM_FIELDS_MARGIN)
        .setIdleTimeout((int) http.idleTimeout().toSeconds())
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setHttp2ClearTextEnabled(true)
        // the upload handler decides whether a body is wanted before it asks for it
        .setHandle100ContinueAutomatically(false)
        .setInitialSettings(
            new Http2Settings()
                .setInitialWindowSize(http.h2StreamWindow())
                // larger DATA frames mean fewer frames and fewer writes per uploaded byte
                .setMaxFrameSize(MAX_FRAME_SIZE)
                .setMaxConcurrentStreams(http.h2MaxConcurrentStreams()))
        .setHttp2ConnectionWindowSize(http.h2ConnectionWindow());
  }
}
