package io.ironsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.app.ApiClient.Download;
import io.ironsync.app.ApiClient.Reply;
import io.ironsync.app.ApiClient.Transport;
import io.ironsync.testkit.Eventually;
import io.ironsync.testkit.GeneratedContent;
import io.ironsync.testkit.TestPostgres;
import io.ironsync.testkit.TestS3;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The built jar, run as operators run it. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class JarIT {

  @TempDir Path workDir;

  @Test
  void standalone_boots_with_no_configuration_and_the_token_command_works_with_it()
      throws Exception {
    Path auditLog = workDir.resolve("logs/audit.log");
    Map<String, String> env =
        Map.of(
            "IRONSYNC_DATA_DIR",
            workDir.resolve("data").toString(),
            "IRONSYNC_AUDIT_LOG",
            auditLog.toString());
    long started = System.nanoTime();
    try (JarProcess gateway = JarProcess.serve(workDir, env)) {
      gateway.awaitReady(Duration.ofMinutes(2));
      long readyMs = (System.nanoTime() - started) / 1_000_000;

      JarProcess.Result token =
          JarProcess.run(workDir, env, "token", "--user", "alice", "--device", "cli");
      assertThat(token.exitCode()).as(token.stderr()).isZero();
      assertThat(token.stdout().trim()).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
      assertThat(token.stdout().lines()).hasSize(1);

      try (ApiClient client = new ApiClient(Transport.H2C, gateway.port)) {
        Reply put = client.put("/v1/files/hello.txt", token.stdout().trim(), "hello, standalone");
        assertThat(put.status()).isEqualTo(201);
        assertThat(put.json().getString("deviceId")).isEqualTo("cli");
        assertThat(client.get("/v1/files/hello.txt", token.stdout().trim()).body().toString())
            .isEqualTo("hello, standalone");
        // the access log names the trace a request arrived with
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        Reply traced =
            client.call(
                io.vertx.core.http.HttpMethod.GET,
                "/v1/meta/hello.txt",
                token.stdout().trim(),
                ApiClient.headers("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01"),
                null);
        assertThat(traced.status()).isEqualTo(200);
        Eventually.await(
            "the access-log line carries the trace id",
            Duration.ofSeconds(20),
            () -> gateway.logText().contains("\"traceId\":\"" + traceId + "\""));
      }
      assertThat(gateway.logText()).contains("IronSync ready on http://localhost:" + gateway.port);
      Eventually.await(
          "the audit event of the upload lands in the file IRONSYNC_AUDIT_LOG names",
          Duration.ofSeconds(20),
          () -> {
            try {
              return Files.exists(auditLog)
                  && Files.readString(auditLog).contains("/v1/files/hello.txt");
            } catch (java.io.IOException e) {
              return false;
            }
          });
      assertThat(workDir.resolve("data/pg")).isDirectory();
      assertThat(workDir.resolve("data/blobs")).isDirectory();
      assertThat(workDir.resolve("data/keys/jwt-hs256.secret")).exists();
      System.getLogger("JarIT")
          .log(System.Logger.Level.INFO, "standalone ready in " + readyMs + " ms");

      assertThat(gateway.terminate(Duration.ofSeconds(60))).isIn(0, 143);
      assertThat(gateway.logText()).contains("stopped");
    }
  }

  @Test
  void bad_configuration_stops_the_boot_with_exit_code_2_naming_the_key() throws Exception {
    JarProcess.Result badValue =
        JarProcess.run(workDir, Map.of("IRONSYNC_HTTP_PORT", "eighty"), "serve");
    Path yaml = workDir.resolve("ironsync.yaml");
    Files.writeString(yaml, "http:\n  prot: 8080\n");
    JarProcess.Result unknownKey =
        JarProcess.run(workDir, Map.of(), "serve", "--config", yaml.toString());

    assertThat(badValue.exitCode()).isEqualTo(2);
    assertThat(badValue.stderr()).contains("'http.port'").contains("IRONSYNC_HTTP_PORT");
    assertThat(unknownKey.exitCode()).isEqualTo(2);
    assertThat(unknownKey.stderr()).contains("'http.prot'").contains("did you mean 'http.port'");
  }

  @Test
  void a_gateway_with_a_128_MiB_heap_streams_a_body_five_times_its_heap_into_s3() throws Exception {
    long size = 640L << 20;
    String bucket = TestS3.shared().newBucket();
    Map<String, String> env = serverEnvironment(bucket);
    try (JarProcess gateway =
        JarProcess.serve(workDir, env, "-Xmx128m", "-XX:+ExitOnOutOfMemoryError")) {
      gateway.awaitReady(Duration.ofMinutes(2));
      String token = JarProcess.run(workDir, env, "token", "--user", "heavy").stdout().trim();
      String expected = GeneratedContent.sha256(77, size);

      try (ApiClient client = new ApiClient(Transport.H2C, gateway.port)) {
        Reply streamed =
            client.upload(
                "/v1/files/huge-stream.bin", token, new GeneratedContent(77, size), false, null);
        assertThat(streamed.status()).as(gateway.logText()).isEqualTo(201);
        assertThat(streamed.json().getString("sha256")).isEqualTo(expected);
        Reply announced =
            client.upload(
                "/v1/files/huge-length.bin", token, new GeneratedContent(78, size), true, null);
        assertThat(announced.status()).as(gateway.logText()).isEqualTo(201);

        Download download = client.download("/v1/files/huge-stream.bin", token);
        assertThat(download.sha256()).isEqualTo(expected);
      }
      assertThat(gateway.process.isAlive()).isTrue();
      assertThat(gateway.logText()).doesNotContain("OutOfMemoryError");
      assertThat(TestS3.shared().multipartUploads(bucket)).isEmpty();
    }
  }

  @Test
  void gc_removes_orphans_from_the_configured_bucket_and_says_what_it_did() throws Exception {
    String bucket = TestS3.shared().newBucket();
    String stray = "blobs/left-behind-" + java.util.UUID.randomUUID();
    TestS3.shared().putObject(bucket, stray, new byte[1234]);
    Map<String, String> env = new java.util.HashMap<>(serverEnvironment(bucket));
    env.put("IRONSYNC_RETENTION_ORPHAN_AGE", "0s");

    JarProcess.Result gc = JarProcess.run(workDir, env, "gc");

    assertThat(gc.exitCode()).as(gc.stderr()).isZero();
    assertThat(gc.stdout()).contains("orphans removed: 1 (1234 bytes)");
    assertThat(TestS3.shared().objectKeys(bucket)).doesNotContain(stray);
  }

  /** A node against a fresh database and the given bucket of the shared servers. */
  private Map<String, String> serverEnvironment(String bucket) {
    return Map.of(
        "IRONSYNC_DATA_DIR",
        workDir.resolve("data").toString(),
        "IRONSYNC_PG_URL",
        TestPostgres.shared().newDatabase(),
        "IRONSYNC_S3_ENDPOINT",
        TestS3.shared().endpoint(),
        "IRONSYNC_S3_ACCESS_KEY",
        TestS3.ACCESS_KEY,
        "IRONSYNC_S3_SECRET_KEY",
        TestS3.SECRET_KEY,
        "IRONSYNC_S3_BUCKET",
        bucket,
        "IRONSYNC_AUTH_JWT_HS256_SECRET",
        TestGateway.SECRET);
  }
}
