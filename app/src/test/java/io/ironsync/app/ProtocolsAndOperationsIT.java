package io.ironsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.app.ApiClient.Reply;
import io.ironsync.app.ApiClient.Transport;
import io.ironsync.testkit.BlockedThreadWatch;
import io.ironsync.testkit.Eventually;
import io.ironsync.testkit.TcpProxy;
import io.ironsync.testkit.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(BlockedThreadWatch.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ProtocolsAndOperationsIT {

  @TempDir static Path dataDir;
  private static TcpProxy pgProxy;
  private static TestGateway gateway;
  private static String token;

  @BeforeAll
  static void start() {
    // PostgreSQL is reached through a proxy so a test can cut it off
    String database = TestPostgres.shared().newDatabase();
    String name = URI.create(database).getPath().substring(1);
    pgProxy = TcpProxy.to(TestPostgres.shared().port());
    String proxied = "postgresql://postgres@127.0.0.1:" + pgProxy.port() + "/" + name;
    gateway =
        TestGateway.start(
            TestGateway.Store.LOCAL,
            dataDir,
            Map.of("pg.url", proxied, "metadata.request-timeout", "2s"));
    token = gateway.token("proto");
  }

  @AfterAll
  static void stop() {
    gateway.close();
    pgProxy.close();
  }

  @Test
  void h2_over_tls_is_negotiated_with_alpn_using_the_generated_certificate() {
    String h2 = "protocol=\"h2\"";
    try (ApiClient client = new ApiClient(Transport.TLS_H2, gateway)) {
      Reply put = client.put("/v1/files/tls.txt", token, "over tls");
      Reply get = client.get("/v1/files/tls.txt", token);

      assertThat(put.status()).isEqualTo(201);
      assertThat(put.version()).isEqualTo(HttpVersion.HTTP_2);
      assertThat(get.body().toString()).isEqualTo("over tls");
      assertThat(Scrape.of(gateway.managementPort()).sum("ironsync_http_active_connections", h2))
          .as("the open h2 connection is counted by protocol")
          .isEqualTo(1);
    }
    Eventually.await(
        "the closed h2 connection leaves the count",
        Duration.ofSeconds(20),
        () -> Scrape.of(gateway.managementPort()).sum("ironsync_http_active_connections", h2) == 0);
    assertThat(dataDir.resolve("tls/cert.pem")).exists();
    assertThat(dataDir.resolve("tls/key.pem")).exists();
  }

  @Test
  void http1_over_tls_still_works_for_clients_without_h2() {
    Vertx vertx = Vertx.vertx();
    try {
      HttpClient http =
          vertx.createHttpClient(
              new HttpClientOptions()
                  .setSsl(true)
                  .setTrustAll(true)
                  .setVerifyHost(false)
                  .setUseAlpn(true)
                  .setAlpnVersions(List.of(HttpVersion.HTTP_1_1)));
      var response =
          ApiClient.await(
              http.request(
                      new RequestOptions()
                          .setMethod(HttpMethod.GET)
                          .setHost("127.0.0.1")
                          .setPort(gateway.tlsPort())
                          .setURI("/v1/list")
                          .putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token))
                  .compose(req -> req.send()));
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.version()).isEqualTo(HttpVersion.HTTP_1_1);
    } finally {
      ApiClient.await(vertx.close());
    }
  }

  @Test
  void h2c_upgrade_from_http1_works() {
    Vertx vertx = Vertx.vertx();
    try {
      HttpClient http =
          vertx.createHttpClient(
              new HttpClientOptions()
                  .setProtocolVersion(HttpVersion.HTTP_2)
                  .setHttp2ClearTextUpgrade(true));
      RequestOptions get =
          new RequestOptions()
              .setMethod(HttpMethod.GET)
              .setHost("127.0.0.1")
              .setPort(gateway.port())
              .setURI("/v1/list")
              .putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token);
      var first = ApiClient.await(http.request(get).compose(req -> req.send()));
      var upload =
          ApiClient.await(
              http.request(
                      new RequestOptions(get)
                          .setMethod(HttpMethod.PUT)
                          .setURI("/v1/files/upgraded.txt"))
                  .compose(req -> req.send(Buffer.buffer("after upgrade"))));

      assertThat(first.statusCode()).isEqualTo(200);
      assertThat(first.version()).isEqualTo(HttpVersion.HTTP_2);
      assertThat(upload.statusCode()).isEqualTo(201);
      assertThat(upload.version()).isEqualTo(HttpVersion.HTTP_2);
    } finally {
      ApiClient.await(vertx.close());
    }
  }

  @Test
  void metrics_show_uploads_storage_puts_metadata_commits_and_http_routes() {
    Scrape before = Scrape.of(gateway.managementPort());
    try (ApiClient client = new ApiClient(Transport.H2C, gateway)) {
      assertThat(client.put("/v1/files/metrics.txt", token, "counted").status()).isEqualTo(201);
      assertThat(client.put("/v1/files/metrics.txt", token, "counted again").status())
          .isEqualTo(200);
    }
    Scrape scrape = Scrape.of(gateway.managementPort());
    String put = "op=\"put\"";
    assertThat(
            scrape.sum("ironsync_versions_committed_total", put)
                - before.sum("ironsync_versions_committed_total", put))
        .as("version churn: two revisions written")
        .isEqualTo(2);
    assertThat(
            scrape.sum("ironsync_versions_superseded_total", put)
                - before.sum("ironsync_versions_superseded_total", put))
        .as("version churn: one revision replaced")
        .isEqualTo(1);

    assertThat(scrape.sum("ironsync_upload_bytes_total")).isGreaterThanOrEqualTo(7);
    assertThat(scrape.sum("ironsync_upload_duration_seconds_count", "outcome=\"created\""))
        .isGreaterThanOrEqualTo(1);
    assertThat(scrape.sum("ironsync_storage_put_duration_seconds_count", "store=\"local\""))
        .isGreaterThanOrEqualTo(1);
    assertThat(scrape.sum("ironsync_metadata_transaction_duration_seconds_count"))
        .isGreaterThanOrEqualTo(1);
    assertThat(scrape.series("vertx_http_server_requests_total"))
        .anyMatch(
            line -> line.contains("route=\"/v1/files/*\"") && line.contains("method=\"PUT\""));
    assertThat(scrape.sum("jvm_memory_used_bytes")).isPositive();
  }

  @Test
  void readiness_reports_postgresql_down_while_liveness_stays_up_and_recovers() {
    assertThat(Scrape.status(gateway.managementPort(), "/health/ready")).isEqualTo(200);

    pgProxy.refuse(true);
    pgProxy.dropConnections();
    try {
      Eventually.await(
          "readiness reports PostgreSQL down",
          Duration.ofSeconds(30),
          () -> Scrape.status(gateway.managementPort(), "/health/ready") == 503);
      assertThat(Scrape.get(gateway.managementPort(), "/health/ready")).contains("postgresql");
      assertThat(Scrape.status(gateway.managementPort(), "/health/live")).isEqualTo(200);
      try (ApiClient client = new ApiClient(Transport.H2C, gateway)) {
        Reply refused = client.put("/v1/files/while-down.txt", token, "x");
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.header("Content-Type")).isEqualTo("application/problem+json");
      }
    } finally {
      pgProxy.refuse(false);
    }
    Eventually.await(
        "readiness recovers",
        Duration.ofSeconds(30),
        () -> Scrape.status(gateway.managementPort(), "/health/ready") == 200);
    try (ApiClient client = new ApiClient(Transport.H2C, gateway)) {
      assertThat(client.put("/v1/files/after-recovery.txt", token, "x").status()).isEqualTo(201);
    }
  }
}
