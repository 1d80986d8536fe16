package io.ironsync.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class ManagementVerticleTest {

  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicBoolean storageUp = new AtomicBoolean(true);
  private Observability observability;
  private HttpClient client;
  private int port;

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
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
    client = vertx.createHttpClient();
  }

  private record Reply(int status, String body) {}

  private Reply get(String path) throws Exception {
    return await(
        client
            .request(HttpMethod.GET, port, "127.0.0.1", path)
            .compose(req -> req.send())
            .compose(
                (HttpClientResponse resp) ->
                    resp.body()
                        .map((Buffer body) -> new Reply(resp.statusCode(), body.toString()))));
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
