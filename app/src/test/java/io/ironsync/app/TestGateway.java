package io.ironsync.app;

import io.ironsync.auth.AuthKeys;
import io.ironsync.auth.TokenIssuer;
import io.ironsync.config.ConfigLoader;
import io.ironsync.testkit.TcpProxy;
import io.ironsync.testkit.TestPostgres;
import io.ironsync.testkit.TestS3;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A gateway node started in-process for a test class, against the shared real PostgreSQL (a fresh
 * database) and either s3proxy (a fresh bucket) or the local-disk store.
 */
final class TestGateway implements AutoCloseable {

  static final String SECRET = "test-secret-of-at-least-thirty-two-characters";

  enum Store {
    S3,
    LOCAL
  }

  final Gateway gateway;
  final String pgUrl;
  final String bucket;
  final Path dataDir;
  private final Vertx tokenVertx = Vertx.vertx();

  private TestGateway(Gateway gateway, String pgUrl, String bucket, Path dataDir) {
    this.gateway = gateway;
    this.pgUrl = pgUrl;
    this.bucket = bucket;
    this.dataDir = dataDir;
  }

  static TestGateway start(Store store, Path dataDir) {
    return start(store, dataDir, Map.of());
  }

  /** Extra settings override the test defaults (dotted config keys). */
  static TestGateway start(Store store, Path dataDir, Map<String, String> extra) {
    String pgUrl = TestPostgres.shared().newDatabase();
    String bucket = store == Store.S3 ? TestS3.shared().newBucket() : null;
    return startNode(pgUrl, bucket, dataDir, extra);
  }

  /**
   * A node that reaches PostgreSQL only through {@code pgProxy}, a {@link TcpProxy} in front of the
   * shared server, so a test can cut the database off. {@link #pgUrl} and {@link #count} still go
   * straight to the server.
   */
  static TestGateway startBehindPgProxy(
      Store store, Path dataDir, TcpProxy pgProxy, Map<String, String> extra) {
    String pgUrl = TestPostgres.shared().newDatabase();
    String bucket = store == Store.S3 ? TestS3.shared().newBucket() : null;
    Map<String, String> settings = new HashMap<>(extra);
    settings.put(
        "pg.url",
        pgUrl.replace(
            "@127.0.0.1:" + TestPostgres.shared().port() + "/",
            "@127.0.0.1:" + pgProxy.port() + "/"));
    return startNode(pgUrl, bucket, dataDir, settings);
  }

  /**
   * A node on the local store whose primary database is {@code pgUrl}, a database of a server other
   * than the shared one (such as the primary of {@code TestPostgresReplica}); {@link #count} reads
   * there.
   */
  static TestGateway onDatabase(String pgUrl, Path dataDir, Map<String, String> extra) {
    return startNode(pgUrl, null, dataDir, extra);
  }

  /** Another node of the same service: same database and bucket as {@code first}. */
  static TestGateway joining(TestGateway first, Path dataDir, Map<String, String> extra) {
    return startNode(first.pgUrl, first.bucket, dataDir, extra);
  }

  private static TestGateway startNode(
      String pgUrl, String bucket, Path dataDir, Map<String, String> extra) {
    Map<String, String> settings = new HashMap<>();
    settings.put("data.dir", dataDir.toString());
    settings.put("pg.url", pgUrl);
    settings.put("pg.pool-size", "4");
    settings.put("http.host", "127.0.0.1");
    settings.put("http.port", "0");
    settings.put("http.tls-port", "0");
    settings.put("http.instances", "2");
    settings.put("management.host", "127.0.0.1");
    settings.put("management.port", "0");
    settings.put("auth.jwt.hs256-secret", SECRET);
    settings.put("shutdown.grace-period", "5s");
    if (bucket != null) {
      TestS3 s3 = TestS3.shared();
      settings.put("s3.endpoint", s3.endpoint());
      settings.put("s3.access-key", TestS3.ACCESS_KEY);
      settings.put("s3.secret-key", TestS3.SECRET_KEY);
      settings.put("s3.bucket", bucket);
      settings.put("s3.part-size", "5MiB");
      settings.put("limits.max-file-bytes", "40GiB");
    }
    settings.putAll(extra);
    return new TestGateway(Gateway.start(ConfigLoader.fromMap(settings)), pgUrl, bucket, dataDir);
  }

  String token(String user) {
    return token(user, null);
  }

  String token(String user, String device) {
    return TokenIssuer.create(
            tokenVertx,
            new AuthKeys(Optional.of(SECRET), Optional.empty()),
            Optional.empty(),
            Optional.empty())
        .issue(user, device, Duration.ofHours(1));
  }

  int port() {
    return gateway.port();
  }

  int tlsPort() {
    return gateway.tlsPort();
  }

  int managementPort() {
    return gateway.managementPort();
  }

  long count(String sql) {
    return TestPostgres.count(pgUrl, sql);
  }

  @Override
  public void close() {
    gateway.stop();
    tokenVertx.close();
  }
}
