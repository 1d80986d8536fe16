package io.ironsync.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir Path dir;

  private Path yaml(String text) throws IOException {
    Path file = dir.resolve("ironsync.yaml");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void no_file_and_no_environment_gives_the_standalone_defaults() {
    IronSyncConfig config = ConfigLoader.load(null, Map.of("PATH", "/bin"));

    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.http().tlsPort()).isEqualTo(8443);
    assertThat(config.http().instances()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(config.http().tls()).isEmpty();
    assertThat(config.management().port()).isEqualTo(9090);
    assertThat(config.dataDir()).isEqualTo(Path.of("./ironsync-data"));
    assertThat(config.pg().url()).isEmpty();
    assertThat(config.storage().s3()).isEmpty();
    assertThat(config.auth().hs256Secret()).isEmpty();
    assertThat(config.limits().maxFileBytes()).isEqualTo(64L << 30);
    assertThat(config.shutdownGracePeriod()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.nodeId()).isNotBlank();
  }

  @Test
  void nested_and_dotted_yaml_keys_are_read_and_the_environment_overrides_them()
      throws IOException {
    Path file =
        yaml(
            """
            http:
              port: 9000
              h2:
                stream-window: 2MiB
            management.port: 9100
            s3:
              endpoint: http://127.0.0.1:9999
              access-key: ak
              secret-key: sk
              bucket: blobs
              part-size: 16MiB
            """);

    IronSyncConfig config =
        ConfigLoader.load(
            file, Map.of("IRONSYNC_HTTP_PORT", "7000", "IRONSYNC_LIMITS_MAX_FILE_BYTES", "1GiB"));

    assertThat(config.http().port()).isEqualTo(7000);
    assertThat(config.http().h2StreamWindow()).isEqualTo(2 << 20);
    assertThat(config.management().port()).isEqualTo(9100);
    assertThat(config.limits().maxFileBytes()).isEqualTo(1L << 30);
    IronSyncConfig.S3 s3 = config.storage().s3().orElseThrow();
    assertThat(s3.bucket()).isEqualTo("blobs");
    assertThat(s3.partSize()).isEqualTo(16L << 20);
    assertThat(s3.region()).isEqualTo("us-east-1");
    assertThat(s3.toString()).doesNotContain("sk");
  }

  @Test
  void an_unknown_yaml_key_stops_the_boot_naming_it_and_suggesting_the_right_one()
      throws IOException {
    Path file = yaml("http:\n  prot: 9000\n");

    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown configuration key 'http.prot'")
        .hasMessageContaining(file.toString())
        .hasMessageContaining("did you mean 'http.port'?");
  }

  @Test
  void limits_and_redis_are_read_typed_and_bad_values_stop_the_boot_naming_the_key() {
    IronSyncConfig config =
        ConfigLoader.load(
            null,
            Map.of(
                "IRONSYNC_LIMITS_USER_UPLOAD_BYTES_PER_SEC", "2MiB",
                "IRONSYNC_LIMITS_USER_QUOTA_BYTES", "10GiB",
                "IRONSYNC_REDIS_URL", "redis://:pw@cache.internal:6380/2"));

    assertThat(config.limits().uploadBytesPerSec()).isEqualTo(2L << 20);
    assertThat(config.limits().quotaBytes()).isEqualTo(10L << 30);
    assertThat(config.limits().bufferBytes()).isEqualTo(Runtime.getRuntime().maxMemory() / 4);
    assertThat(config.redis())
        .hasValueSatisfying(r -> assertThat(r.url().getPort()).isEqualTo(6380));
    assertThat(config.redis().get().toString()).doesNotContain("pw");
    assertThat(ConfigLoader.load(null, Map.of()).redis()).isEmpty();

    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of("IRONSYNC_REDIS_URL", "http://cache:6379")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("redis.url");
    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of("IRONSYNC_LIMITS_USER_UPLOAD_BYTES_PER_SEC", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("limits.user.upload-bytes-per-sec");
    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of("IRONSYNC_LIMITS_UPLOAD_QUEUE_TIMEOUT", "0s")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("limits.upload-queue-timeout");
  }

  @Test
  void an_unknown_environment_variable_with_our_prefix_stops_the_boot() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("IRONSYNC_HTTP_PROT", "1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("IRONSYNC_HTTP_PROT")
        .hasMessageContaining("did you mean 'IRONSYNC_HTTP_PORT'?");
  }

  @Test
  void the_audit_log_variable_names_a_file_for_logging_and_is_not_a_key() {
    assertThat(
            ConfigLoader.load(null, Map.of("IRONSYNC_AUDIT_LOG", "/var/log/ironsync/audit.log"))
                .http()
                .port())
        .isEqualTo(8080);
  }

  @Test
  void the_config_file_variable_itself_is_not_a_key() {
    assertThat(ConfigLoader.load(null, Map.of("IRONSYNC_CONFIG", "x.yaml")).http().port())
        .isEqualTo(8080);
  }

  @Test
  void a_bad_value_names_the_key_the_source_and_what_was_expected() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("IRONSYNC_HTTP_PORT", "eighty")))
        .hasMessageContaining("bad value for 'http.port'")
        .hasMessageContaining("environment IRONSYNC_HTTP_PORT")
        .hasMessageContaining("port number")
        .hasMessageContaining("'eighty'");
    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("limits.max-file-bytes", "10 parsecs")))
        .hasMessageContaining("bad value for 'limits.max-file-bytes'")
        .hasMessageContaining("8MiB");
    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("shutdown.grace-period", "soon")))
        .hasMessageContaining("'shutdown.grace-period'");
    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("http.port", "70000")))
        .hasMessageContaining("'http.port'")
        .hasMessageContaining("70000");
  }

  @Test
  void yaml_syntax_errors_name_the_file_and_line() throws IOException {
    Path file = yaml("http:\n  port: [1,\n");

    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
        .hasMessageContaining("cannot parse " + file)
        .hasMessageContaining("line");
  }

  @Test
  void a_partial_s3_section_names_the_missing_key() {
    assertThatThrownBy(
            () ->
                ConfigLoader.fromMap(
                    Map.of("s3.endpoint", "http://localhost:9000", "s3.access-key", "a")))
        .hasMessageContaining("'s3.secret-key' is required");
  }

  @Test
  void part_size_must_suit_s3_and_the_largest_file() {
    Map<String, String> s3 =
        Map.of(
            "s3.endpoint", "http://localhost:9000",
            "s3.access-key", "a",
            "s3.secret-key", "b",
            "s3.bucket", "c");
    var tooSmall = new java.util.HashMap<>(s3);
    tooSmall.put("s3.part-size", "1MiB");
    assertThatThrownBy(() -> ConfigLoader.fromMap(tooSmall))
        .hasMessageContaining("'s3.part-size'")
        .hasMessageContaining("between 5MiB (the S3 minimum) and 1GiB");

    var tooFewParts = new java.util.HashMap<>(s3);
    tooFewParts.put("limits.max-file-bytes", "1TiB");
    assertThatThrownBy(() -> ConfigLoader.fromMap(tooFewParts))
        .hasMessageContaining("'limits.max-file-bytes'")
        .hasMessageContaining("s3.part-size");
  }

  @Test
  void s3_endpoint_must_be_an_http_url() {
    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("s3.endpoint", "ftp://x")))
        .hasMessageContaining("bad value for 's3.endpoint'");
  }

  @Test
  void tls_files_come_in_pairs_and_secrets_must_be_long_enough() {
    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("tls.cert", "/c.pem")))
        .hasMessageContaining("'tls.cert' and 'tls.key' must be set together");
    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("auth.jwt.hs256-secret", "short")))
        .hasMessageContaining("'auth.jwt.hs256-secret'")
        .hasMessageContaining("32 characters");
  }

  @Test
  void a_public_key_may_be_a_pem_file_path() throws IOException {
    Path pem = dir.resolve("key.pem");
    Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");

    IronSyncConfig config = ConfigLoader.fromMap(Map.of("auth.jwt.public-key", pem.toString()));

    assertThat(config.auth().publicKeyPem())
        .hasValueSatisfying(v -> assertThat(v).contains("AAAA"));
    assertThatThrownBy(
            () -> ConfigLoader.fromMap(Map.of("auth.jwt.public-key", dir.resolve("no").toString())))
        .hasMessageContaining("'auth.jwt.public-key'");
  }

  @Test
  void h2_windows_are_checked_against_protocol_limits() {
    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("http.h2.stream-window", "1KiB")))
        .hasMessageContaining("'http.h2.stream-window'");
    assertThatThrownBy(
            () ->
                ConfigLoader.fromMap(
                    Map.of("http.h2.stream-window", "8MiB", "http.h2.connection-window", "1MiB")))
        .hasMessageContaining("'http.h2.connection-window'");
  }

  @Test
  void every_key_maps_to_the_documented_environment_name() {
    assertThat(ConfigKeys.LIMITS_MAX_FILE_BYTES.envName())
        .isEqualTo("IRONSYNC_LIMITS_MAX_FILE_BYTES");
    assertThat(ConfigKeys.HTTP_TLS_PORT.envName()).isEqualTo("IRONSYNC_HTTP_TLS_PORT");
    assertThat(ConfigKeys.all()).extracting(ConfigKey::envName).doesNotHaveDuplicates();
  }

  @Test
  void push_heartbeats_must_come_well_within_the_idle_timeout() {
    assertThatThrownBy(
            () ->
                ConfigLoader.fromMap(Map.of("sync.heartbeat", "90s", "http.idle-timeout", "120s")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sync.heartbeat")
        .hasMessageContaining("http.idle-timeout");
    assertThat(
            ConfigLoader.fromMap(Map.of("sync.heartbeat", "60s", "http.idle-timeout", "120s"))
                .sync()
                .heartbeat())
        .isEqualTo(java.time.Duration.ofSeconds(60));
    assertThat(ConfigLoader.fromMap(Map.of("retention.versions", "7d")).retention().versions())
        .isEqualTo(java.time.Duration.ofDays(7));
  }

  @Test
  void the_stream_cap_per_user_defaults_to_32_and_must_be_positive() {
    assertThat(ConfigLoader.fromMap(Map.of()).sync().maxStreamsPerUser()).isEqualTo(32);
    assertThat(
            ConfigLoader.load(null, Map.of("IRONSYNC_SYNC_MAX_STREAMS_PER_USER", "3"))
                .sync()
                .maxStreamsPerUser())
        .isEqualTo(3);
    for (String bad : List.of("0", "-1", "many")) {
      assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("sync.max-streams-per-user", bad)))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("sync.max-streams-per-user");
    }
  }

  @Test
  void a_read_replica_needs_a_primary_of_its_own() {
    String primary = "postgresql://app@db-primary:5432/ironsync";
    String replica = "postgresql://app@db-replica:5432/ironsync";
    assertThat(ConfigLoader.fromMap(Map.of()).pg().readUrl()).isEmpty();
    assertThat(
            ConfigLoader.fromMap(Map.of("pg.url", primary, "pg.read-url", replica)).pg().readUrl())
        .hasValue(URI.create(replica));
    assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("pg.read-url", replica)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'pg.read-url' needs 'pg.url'");
    assertThatThrownBy(
            () -> ConfigLoader.fromMap(Map.of("pg.url", primary, "pg.read-url", primary)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("same database");
    assertThatThrownBy(
            () -> ConfigLoader.fromMap(Map.of("pg.url", primary, "pg.read-url", "mysql://x/y")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("pg.read-url");
  }

  @Test
  void tracing_exports_only_with_an_endpoint_and_a_ratio_from_0_to_1() {
    IronSyncConfig.Tracing defaults = ConfigLoader.fromMap(Map.of()).tracing();
    assertThat(defaults.otlpEndpoint()).isEmpty();
    assertThat(defaults.sampleRatio()).isEqualTo(1.0);
    IronSyncConfig.Tracing set =
        ConfigLoader.fromMap(
                Map.of(
                    "tracing.otlp-endpoint",
                    "http://collector:4318",
                    "tracing.sample-ratio",
                    "0.25"))
            .tracing();
    assertThat(set.otlpEndpoint()).hasValue(URI.create("http://collector:4318"));
    assertThat(set.sampleRatio()).isEqualTo(0.25);
    for (String bad : List.of("1.5", "-0.1", "half", "NaN")) {
      assertThatThrownBy(() -> ConfigLoader.fromMap(Map.of("tracing.sample-ratio", bad)))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("tracing.sample-ratio")
          .hasMessageContaining("from 0 to 1");
    }
    assertThatThrownBy(
            () -> ConfigLoader.fromMap(Map.of("tracing.otlp-endpoint", "grpc://collector:4317")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("tracing.otlp-endpoint");
  }
}
