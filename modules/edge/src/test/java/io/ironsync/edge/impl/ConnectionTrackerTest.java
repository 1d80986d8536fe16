package io.ironsync.edge.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.observability.ConnectionMetrics;
import io.ironsync.observability.Observability;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.SelfSignedCertificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real servers and clients over loopback, set up like the edge's two ports: each protocol a client
 * can reach the gateway with is counted while its connection is open, and nothing is left counted
 * once it closes, also after a WebSocket upgrade.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionTrackerTest {

  private static final List<String> PROTOCOLS =
      List.of(
          ConnectionMetrics.HTTP1,
          ConnectionMetrics.HTTP1_TLS,
          ConnectionMetrics.H2C,
          ConnectionMetrics.H2);

  private final Vertx vertx = Vertx.vertx();
  private final Observability observability = Observability.create("node-a");

  /** What the tracker reported, in order: "+h2" for an opened h2 connection, "-h2" for its end. */
  private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

  private ConnectionTracker tracker;
  private int plainPort;
  private int tlsPort;

  @BeforeEach
  void listen() throws Exception {
    SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
    CompletableFuture<Void> started = new CompletableFuture<>();
    // the tracker lives on one event loop, as in an edge verticle
    vertx.runOnContext(
        v -> {
          tracker =
              new ConnectionTracker(
                  (protocol, delta) -> {
                    observability.connections().connections(protocol, delta);
                    events.add((delta > 0 ? "+" : "-") + protocol);
                  });
          Future<HttpServer> plain =
              server(new HttpServerOptions().setPort(0).setHttp2ClearTextEnabled(true));
          Future<HttpServer> secure =
              server(
                  new HttpServerOptions()
                      .setPort(0)
                      .setSsl(true)
                      .setUseAlpn(true)
                      .setKeyCertOptions(certificate.keyCertOptions()));
          Future.all(plain, secure)
              .onSuccess(
                  all -> {
                    plainPort = plain.result().actualPort();
                    tlsPort = secure.result().actualPort();
                    started.complete(null);
                  })
              .onFailure(started::completeExceptionally);
        });
    started.get(10, TimeUnit.SECONDS);
  }

  private Future<HttpServer> server(HttpServerOptions options) {
    return vertx
        .createHttpServer(options)
        .connectionHandler(tracker::opened)
        .requestHandler(
            request -> {
              if (request.path().equals("/ws")) {
                request.toWebSocket().onSuccess(socket -> tracker.upgraded(request.connection()));
              } else {
                request.response().end("ok");
              }
            })
        .listen();
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private Map<String, Double> counted() {
    return PROTOCOLS.stream()
        .collect(
            Collectors.toMap(
                protocol -> protocol,
                protocol ->
                    observability
                        .registry()
                        .get("ironsync.http.active.connections")
                        .tag("protocol", protocol)
                        .gauge()
                        .value()));
  }

  private static Map<String, Double> only(String protocol) {
    return PROTOCOLS.stream()
        .collect(Collectors.toMap(p -> p, p -> p.equals(protocol) ? 1.0 : 0.0));
  }

  private int tracked() throws Exception {
    CompletableFuture<Integer> open = new CompletableFuture<>();
    vertx.runOnContext(v -> open.complete(tracker.open()));
    return open.get(10, TimeUnit.SECONDS);
  }

  private String nextEvent() throws InterruptedException {
    String event = events.poll(10, TimeUnit.SECONDS);
    assertThat(event).as("a connection opened or ended").isNotNull();
    return event;
  }

  /** One request over a fresh client, counted while the connection is kept open. */
  private void assertCounted(HttpClientOptions options, int port, String protocol)
      throws Exception {
    HttpClientAgent client = vertx.createHttpClient(options.setDefaultHost("localhost"));
    String body =
        client
            .request(new RequestOptions().setMethod(HttpMethod.GET).setPort(port).setURI("/"))
            .compose(request -> request.send())
            .compose(response -> response.body())
            .await()
            .toString();
    assertThat(body).isEqualTo("ok");
    assertThat(nextEvent()).isEqualTo("+" + protocol);
    assertThat(counted()).isEqualTo(only(protocol));

    client.close().await();

    assertThat(nextEvent()).isEqualTo("-" + protocol);
    assertThat(counted()).isEqualTo(only("none"));
    assertThat(events).isEmpty();
    assertThat(tracked()).isZero();
  }

  @Test
  void http1_on_the_plain_port() throws Exception {
    assertCounted(new HttpClientOptions(), plainPort, ConnectionMetrics.HTTP1);
  }

  @Test
  void h2c_with_prior_knowledge() throws Exception {
    assertCounted(
        new HttpClientOptions()
            .setProtocolVersion(HttpVersion.HTTP_2)
            .setHttp2ClearTextUpgrade(false),
        plainPort,
        ConnectionMetrics.H2C);
  }

  @Test
  void h2c_by_upgrade_counts_the_connection_once_as_http2() throws Exception {
    assertCounted(
        new HttpClientOptions()
            .setProtocolVersion(HttpVersion.HTTP_2)
            .setHttp2ClearTextUpgrade(true),
        plainPort,
        ConnectionMetrics.H2C);
  }

  @Test
  void h2_chosen_by_alpn() throws Exception {
    assertCounted(
        new HttpClientOptions()
            .setProtocolVersion(HttpVersion.HTTP_2)
            .setSsl(true)
            .setUseAlpn(true)
            .setTrustAll(true),
        tlsPort,
        ConnectionMetrics.H2);
  }

  @Test
  void http1_over_tls() throws Exception {
    assertCounted(
        new HttpClientOptions().setSsl(true).setTrustAll(true),
        tlsPort,
        ConnectionMetrics.HTTP1_TLS);
  }

  @Test
  void a_websocket_leaves_the_count_at_its_upgrade_and_nothing_is_left_when_it_closes()
      throws Exception {
    WebSocketClient client = vertx.createWebSocketClient();
    var socket =
        client
            .connect(
                new WebSocketConnectOptions().setHost("localhost").setPort(plainPort).setURI("/ws"))
            .await();

    assertThat(nextEvent()).isEqualTo("+http1");
    assertThat(nextEvent()).as("the upgrade ends the HTTP connection").isEqualTo("-http1");
    assertThat(counted()).isEqualTo(only("none"));
    assertThat(tracked()).isZero();

    socket.close().await();
    client.close().await();

    assertThat(counted()).isEqualTo(only("none"));
    assertThat(tracked()).isZero();
  }
}
