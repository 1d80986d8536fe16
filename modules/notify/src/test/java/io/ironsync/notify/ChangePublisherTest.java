package io.ironsync.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.metadata.Change;
import io.ironsync.observability.impl.MicrometerSyncMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Version churn as the publisher counts it from the journal entries of committed writes. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChangePublisherTest {

  private final Vertx vertx = Vertx.vertx();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ChangePublisher publisher =
      new ChangePublisher(vertx, "node-a/1", Optional.empty(), new MicrometerSyncMetrics(registry));

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private static Change change(long seq, Change.Op op, long rev) {
    boolean deleted = op == Change.Op.DELETE;
    return new Change(
        seq,
        op,
        "f" + seq,
        op == Change.Op.MOVE ? "old/f" + seq : null,
        rev,
        deleted ? null : 1L,
        deleted ? null : "sha",
        deleted ? null : "e",
        "d",
        Instant.now(),
        null);
  }

  private double committed(String op) {
    return registry.get("ironsync.versions.committed").tag("op", op).counter().count();
  }

  private double superseded(String op) {
    return registry.get("ironsync.versions.superseded").tag("op", op).counter().count();
  }

  @Test
  void a_new_file_adds_a_revision_and_an_update_also_supersedes_the_head() {
    publisher.changed("alice", List.of(change(1, Change.Op.PUT, 1)));
    publisher.changed("alice", List.of(change(2, Change.Op.PUT, 2), change(3, Change.Op.PUT, 5)));

    assertThat(committed("put")).isEqualTo(3);
    assertThat(superseded("put")).isEqualTo(2);
  }

  @Test
  void a_delete_leaves_a_tombstone_that_supersedes_the_head() {
    publisher.changed("alice", List.of(change(1, Change.Op.DELETE, 4)));

    assertThat(committed("delete")).isEqualTo(1);
    assertThat(superseded("delete")).isEqualTo(1);
    assertThat(committed("put")).isZero();
  }

  @Test
  void a_move_adds_the_file_at_its_new_path_and_a_tombstone_at_the_old_one() {
    publisher.changed(
        "alice",
        List.of(
            // onto a free path: the old head is superseded by the tombstone
            change(1, Change.Op.MOVE, 1),
            // onto a path with history: what was there is superseded too
            change(2, Change.Op.MOVE, 3)));

    assertThat(committed("move")).isEqualTo(4);
    assertThat(superseded("move")).isEqualTo(3);
  }
}
