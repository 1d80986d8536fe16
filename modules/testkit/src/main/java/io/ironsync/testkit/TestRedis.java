package io.ironsync.testkit;

import java.time.Duration;
import redis.embedded.RedisServer;

/**
 * A real redis-server (7.0, shipped inside the embedded-redis jar) on a loopback port, without
 * persistence. {@link #shared()} is one server per test JVM; {@link #start()} gives a private one
 * that a test may stop to see what the gateway does without Redis.
 */
public final class TestRedis implements AutoCloseable {

  private static TestRedis shared;

  private final RedisServer server;
  private final int port;

  private TestRedis(int port) {
    this.port = port;
    this.server =
        RedisServer.builder()
            .port(port)
            .bind("127.0.0.1")
            .setting("save \"\"")
            .setting("appendonly no")
            .build();
  }

  public static synchronized TestRedis shared() {
    if (shared == null) {
      shared = start();
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "test-redis-stop"));
    }
    return shared;
  }

  /** A private server; the caller stops it. */
  public static TestRedis start() {
    TestRedis redis = new TestRedis(Ports.free());
    redis.server.start();
    Ports.awaitListening(redis.port, Duration.ofSeconds(10), null);
    return redis;
  }

  public int port() {
    return port;
  }

  /** The {@code redis.url} a gateway node uses to reach this server. */
  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public boolean isRunning() {
    return server.isActive();
  }

  /**
   * Starts a stopped private server again on the same port, empty (there is no persistence), so
   * that clients configured with {@link #url()} reconnect to it.
   */
  public void startAgain() {
    if (!server.isActive()) {
      server.start();
    }
    Ports.awaitListening(port, Duration.ofSeconds(10), null);
  }

  /** Stops the server; clients see connections refused from then on. */
  @Override
  public void close() {
    if (server.isActive()) {
      server.stop();
    }
  }
}
