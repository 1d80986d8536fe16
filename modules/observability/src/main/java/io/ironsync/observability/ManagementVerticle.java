package io.ironsync.observability;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The management port: {@code /metrics} (Prometheus text format), {@code /health/live} (this
 * process answers) and {@code /health/ready} (every {@link ReadinessCheck} passes and the node is
 * not draining for shutdown; 503 otherwise, so a load balancer stops sending traffic).
 */
public final class ManagementVerticle extends VerticleBase {

  private static final long CHECK_TIMEOUT_MS = 2_000;

  private final String host;
  private final int port;
  private final Observability observability;
  private final List<ReadinessCheck> checks;
  private final AtomicBoolean draining;
  private HttpServer server;

  /**
   * @param draining set to true when shutdown begins; readiness then reports DOWN
   */
  public ManagementVerticle(
      String host,
      int port,
      Observability observability,
      List<ReadinessCheck> checks,
      AtomicBoolean draining) {
    this.host = host;
    this.port = port;
    this.observability = observability;
    this.checks = List.copyOf(checks);
    this.draining = draining;
  }

  @Override
  public Future<?> start() {
    HealthChecks readiness = HealthChecks.create(vertx);
    readiness.register(
        "accepting-traffic",
        promise ->
            promise.complete(
                draining.get()
                    ? Status.KO(new JsonObject().put("reason", "shutting down"))
                    : Status.OK()));
    for (ReadinessCheck check : checks) {
      readiness.register(check.name(), CHECK_TIMEOUT_MS, promise -> probe(check, promise));
    }
    Router router = Router.router(vertx);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(observability.registry()));
    router
        .get("/health/live")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("status", "UP").encode()));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(readiness));
    // scrapes and probes are not worth a trace each
    return vertx
        .createHttpServer(new HttpServerOptions().setTracingPolicy(TracingPolicy.IGNORE))
        .requestHandler(router)
        .listen(port, host)
        .onSuccess(s -> server = s);
  }

  private static void probe(ReadinessCheck check, Promise<Status> promise) {
    check
        .probe()
        .get()
        .onSuccess(ignored -> promise.tryComplete(Status.OK()))
        .onFailure(
            e ->
                promise.tryComplete(
                    Status.KO(new JsonObject().put("reason", String.valueOf(e.getMessage())))));
  }

  /** The port actually bound (useful when configured as 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
