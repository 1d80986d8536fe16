package io.ironsync.metadata;

import static io.ironsync.metadata.MetadataFixture.newUser;
import static io.ironsync.metadata.MetadataFixture.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ironsync.domain.ApiException;
import io.ironsync.testkit.BlockedThreadWatch;
import io.ironsync.testkit.Ports;
import io.ironsync.testkit.TcpProxy;
import io.ironsync.testkit.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PostgreSQL failing under the verticle: the verticle talks to it through a proxy that drops,
 * refuses and stalls connections on demand, while the tests check rows directly.
 */
@ExtendWith({VertxExtension.class, BlockedThreadWatch.class})
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FailureIT {

  private static final Duration PROMPTLY = Duration.ofSeconds(3);

  private static TcpProxy proxy;
  private static String pgUrl;
  private static MetadataClient client;

  @BeforeAll
  static void deploy(Vertx vertx) {
    pgUrl = TestPostgres.shared().newDatabase();
    SchemaMigrator.migrate(URI.create(pgUrl));
    proxy = TcpProxy.to(TestPostgres.shared().port());
    String database = URI.create(pgUrl).getPath().substring(1);
    URI viaProxy = URI.create("postgresql://postgres@127.0.0.1:" + proxy.port() + "/" + database);
    vertx.deployVerticle(new MetadataVerticle(viaProxy, 2, new RecordingMetrics())).await();
    client = MetadataClient.overEventBus(vertx, Duration.ofSeconds(2));
  }

  @AfterEach
  void healProxy() {
    proxy.refuse(false);
    proxy.stall(false);
  }

  @AfterAll
  static void closeProxy() {
    proxy.close();
  }

  @Test
  void commits_fail_fast_with_503_while_postgres_is_unreachable_and_work_again_after() {
    String user = newUser();
    client.commit(put(user, "a.txt", "v1")).await();

    proxy.dropConnections();
    proxy.refuse(true);
    long started = System.nanoTime();
    ApiException commit = failureOf(client.commit(put(user, "a.txt", "v2")));
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    ApiException ping = failureOf(client.ping());

    assertThat(commit.status()).isEqualTo(503);
    assertThat(commit.key()).isEqualTo("database-unavailable");
    assertThat(commit.retryAfterSeconds()).isPositive();
    assertThat(took).isLessThan(PROMPTLY);
    assertThat(ping.status()).isEqualTo(503);
    assertThat(MetadataFixture.footprint(pgUrl, user))
        .containsEntry("seq", 1L)
        .containsEntry("journal", 1L)
        .containsEntry("versions", 1L)
        .containsEntry("blobs", 1L);

    proxy.refuse(false);
    CommitResult recovered = client.commit(put(user, "a.txt", "v2")).await();

    assertThat(recovered.journalSeq()).isEqualTo(2);
    assertThat(recovered.meta().rev()).isEqualTo(2);
  }

  @Test
  void a_connection_lost_anywhere_in_a_commit_commits_all_or_nothing() {
    // what a commit sends on a fresh connection: its statements (not yet prepared there), commit
    freshConnections();
    long before = proxy.upstreamBytes();
    client.commit(put(newUser(), "x/y.txt", "z")).await();
    long commitBytes = proxy.upstreamBytes() - before;

    List<String> outcomes = new ArrayList<>();
    for (int step = 0; step <= 12; step++) {
      long cut = 1 + commitBytes * step / 12;
      String user = newUser();
      freshConnections();
      proxy.dropConnectionsAfter(cut);
      Throwable failure = catchThrowable(() -> client.commit(put(user, "x/y.txt", "z")).await());
      proxy.dropConnectionsAfter(Long.MAX_VALUE / 2);

      Map<String, Long> footprint = MetadataFixture.footprint(pgUrl, user);
      if (failure == null) {
        outcomes.add("committed");
        assertThat(footprint)
            .as("cut after %d of %d bytes", cut, commitBytes)
            .containsEntry("seq", 1L)
            .containsEntry("journal", 1L)
            .containsEntry("versions", 1L)
            .containsEntry("blobs", 1L)
            .containsEntry("files", 2L);
      } else {
        outcomes.add("failed");
        assertThat(failure).isInstanceOf(ApiException.class);
        assertThat(((ApiException) failure).status()).isEqualTo(503);
        assertThat(footprint)
            .as("cut after %d of %d bytes", cut, commitBytes)
            .containsEntry("seq", 0L)
            .containsEntry("journal", 0L)
            .containsEntry("versions", 0L)
            .containsEntry("blobs", 0L)
            .containsEntry("files", 0L);
      }
    }
    assertThat(outcomes).startsWith("failed").endsWith("committed");
    client.ping().await();
  }

  @Test
  void a_stalled_database_answers_503_metadata_timeout_and_catches_up_after(Vertx vertx) {
    MetadataClient impatient = MetadataClient.overEventBus(vertx, Duration.ofMillis(300));
    String user = newUser();
    client.ping().await();

    proxy.stall(true);
    ApiException timeout = failureOf(impatient.commit(put(user, "slow.txt", "v1")));
    proxy.stall(false);

    assertThat(timeout.status()).isEqualTo(503);
    assertThat(timeout.key()).isEqualTo("metadata-timeout");
    // the commit was already on its way and completes; retrying the same content is a no-op
    CommitResult retried = client.commit(put(user, "slow.txt", "v1")).await();
    assertThat(retried.meta().rev()).isEqualTo(1);
    assertThat(MetadataFixture.footprint(pgUrl, user))
        .containsEntry("seq", 1L)
        .containsEntry("journal", 1L);
  }

  @Test
  void without_a_metadata_verticle_calls_fail_with_503_metadata_unavailable() {
    Vertx empty = Vertx.vertx();
    try {
      MetadataClient orphan = MetadataClient.overEventBus(empty, Duration.ofSeconds(5));
      long started = System.nanoTime();

      ApiException failure = failureOf(orphan.commit(put(newUser(), "a.txt", "x")));

      assertThat(failure.status()).isEqualTo(503);
      assertThat(failure.key()).isEqualTo("metadata-unavailable");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(PROMPTLY);
    } finally {
      empty.close().await();
    }
  }

  @Test
  void deploying_against_an_unreachable_database_fails(Vertx vertx) {
    URI nowhere = URI.create("postgresql://postgres@127.0.0.1:" + Ports.free() + "/nothing");

    Throwable failure =
        catchThrowable(
            () ->
                vertx
                    .deployVerticle(new MetadataVerticle(nowhere, 1, new RecordingMetrics()))
                    .await());

    assertThat(failure).hasMessageContaining("does not answer");
  }

  /**
   * Drops every pooled connection and waits until the pool has a working one again. A request that
   * picks a dropped connection before the pool noticed fails (503) and evicts it.
   */
  private static void freshConnections() {
    proxy.dropConnections();
    for (int attempt = 0; attempt < 5; attempt++) {
      if (catchThrowable(() -> client.ping().await()) == null) {
        return;
      }
    }
    throw new AssertionError("the pool did not reconnect");
  }

  private static ApiException failureOf(Future<?> future) {
    return catchThrowableOfType(ApiException.class, future::await);
  }
}
