package io.ironsync.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ManagementVerticleTest {

  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicBoolean storageUp = new AtomicBoolean(true);
  private Observability observability;
  private Vertx vertx;
  private final HttpClient probe =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private int port;

  @BeforeEach
  void deploy() throws Exception {
    vertx = Vertx.vertx();
    observability = Observability.create("node-a");
    ManagementVerticle verticle =
        new ManagementVerticle(
            "127.0.0.1",
            0,
            observability,
            List.of(
                new ReadinessCheck(
                    "storage",
                    () ->
                        storageUp.get()
                            ? Future.succeededFuture()
                            : Future.failedFuture("bucket unreachable"))),
            draining);
    await(vertx.deployVerticle(verticle));
    port = verticle.actualPort();
  }

  @AfterEach
  void close() throws Exception {
    await(vertx.close());
  }

  private record Reply(int status, String body) {}

  /** Probes the way Prometheus and kubelets do: plain HTTP/1.1 requests. */
  private Reply get(String path) throws Exception {
    HttpResponse<String> response =
        probe.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return new Reply(response.statusCode(), response.body());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void metrics_expose_our_meters_in_prometheus_format_with_the_node_tag() throws Exception {
    observability.uploads().bytesReceived(1234);

    Reply reply = get("/metrics");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body()).contains("ironsync_upload_bytes_total{node=\"node-a\"} 1234.0");
    assertThat(reply.body())
        .contains("ironsync_upload_failures_total{node=\"node-a\",reason=\"client_abort\"} 0.0");
  }

  @Test
  void readiness_follows_the_checks_and_the_draining_flag_while_liveness_stays_up()
      throws Exception {
    assertThat(get("/health/ready").status()).isEqualTo(200);

    storageUp.set(false);
    Reply down = get("/health/ready");
    assertThat(down.status()).isEqualTo(503);
    assertThat(down.body()).contains("bucket unreachable");
    assertThat(get("/health/live").status()).isEqualTo(200);

    storageUp.set(true);
    draining.set(true);
    Reply draining = get("/health/ready");
    assertThat(draining.status()).isEqualTo(503);
    assertThat(draining.body()).contains("shutting down");
    assertThat(get("/health/live").status()).isEqualTo(200);
  }
}
