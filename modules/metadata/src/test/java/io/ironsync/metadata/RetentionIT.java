package io.ironsync.metadata;

import static io.ironsync.metadata.MetadataFixture.delete;
import static io.ironsync.metadata.MetadataFixture.newUser;
import static io.ironsync.metadata.MetadataFixture.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.Caller;
import io.ironsync.domain.FilePath;
import io.ironsync.testkit.BlockedThreadWatch;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Retention sweeps every user at once, so each test gets a database of its own and can count
 * exactly what a sweep removed.
 */
@ExtendWith({VertxExtension.class, BlockedThreadWatch.class})
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RetentionIT {

  // later than anything a test wrote, earlier than nothing: everything counts as old
  private static final Instant EVERYTHING = Instant.now().plus(1, ChronoUnit.DAYS);

  private MetadataFixture db;

  @BeforeEach
  void deploy(Vertx vertx) {
    db = MetadataFixture.deploy(vertx);
  }

  @Test
  void old_superseded_versions_go_and_only_blobs_nothing_refers_to_are_handed_back() {
    String user = newUser();
    CommitRequest a1 = put(user, "a.txt", "a1");
    CommitRequest a2 = put(user, "a.txt", "a2");
    db.commit(a1);
    db.commit(a2);
    db.commit(put(user, "a.txt", "a3"));
    // c.txt: rev 1 comes back as rev 3 and shares its blob, so only rev 2's blob goes
    CommitRequest c1 = put(user, "c.txt", "c1");
    CommitRequest c2 = put(user, "c.txt", "c2");
    db.commit(c1);
    db.commit(c2);
    db.client
        .restore(new RestoreRequest(new Caller(user, "x"), FilePath.of("c.txt"), 1, 0))
        .await();
    // m.txt moved to n.txt: the old version's blob lives on at n.txt
    db.commit(put(user, "m.txt", "m1"));
    db.client
        .move(
            new MoveRequest(
                new Caller(user, "x"),
                FilePath.of("m.txt"),
                FilePath.of("n.txt"),
                Precondition.NONE))
        .await();
    // d.txt deleted: its content goes, its tombstone head stays
    CommitRequest d1 = put(user, "d.txt", "d1");
    db.commit(d1);
    db.client.delete(delete(user, "d.txt")).await();
    // e.txt deleted and re-created: the tombstone revision goes too
    CommitRequest e1 = put(user, "e.txt", "e1");
    db.commit(e1);
    db.client.delete(delete(user, "e.txt")).await();
    db.commit(put(user, "e.txt", "e2"));
    long heads = db.footprint(user).get("files");

    RetentionSweepResult tooEarly =
        sweep(Instant.now().minus(1, ChronoUnit.HOURS), Instant.EPOCH, 1000);
    RetentionSweepResult result = sweep(EVERYTHING, Instant.EPOCH, 1000);

    assertThat(tooEarly.versionsRemoved()).isZero();
    assertThat(tooEarly.storageKeysToDelete()).isEmpty();
    // a1, a2, c1, c2, m1, d1, e1 and e.txt's tombstone
    assertThat(result.versionsRemoved()).isEqualTo(8);
    assertThat(result.storageKeysToDelete())
        .containsExactlyInAnyOrder(
            a1.blobKey(), a2.blobKey(), c2.blobKey(), d1.blobKey(), e1.blobKey());
    assertThat(result.journalRowsRemoved()).isZero();
    assertThat(result.more()).isFalse();
    assertThat(
            db.count(
                "select count(*) from blobs where storage_key in ('"
                    + String.join("', '", result.storageKeysToDelete())
                    + "')"))
        .isZero();
    // heads, live and tombstone alike, are all still there and still readable
    assertThat(db.footprint(user).get("files")).isEqualTo(heads);
    assertThat(db.client.get(head(user, "c.txt")).await().blobKey()).isEqualTo(c1.blobKey());
    assertThat(db.client.get(head(user, "n.txt")).await().meta().sha256())
        .isEqualTo(MetadataFixture.sha256("m1"));
    assertThat(versions(user, "a.txt")).extracting(VersionList.Version::rev).containsExactly(3L);
    assertThat(versions(user, "d.txt"))
        .extracting(VersionList.Version::rev, VersionList.Version::deleted)
        .containsExactly(tuple(2L, true));
    // revision numbers continue past the removed history
    assertThat(db.commit(put(user, "d.txt", "d again")).meta().rev()).isEqualTo(3);
    assertThat(db.commit(put(user, "a.txt", "a4")).meta().rev()).isEqualTo(4);
  }

  @Test
  void a_blob_that_a_kept_version_still_refers_to_stays() {
    String user = newUser();
    CommitRequest r1 = put(user, "r.txt", "shared content");
    db.commit(r1);
    db.commit(put(user, "r.txt", "r2"));
    // s.txt reuses r.txt's first content; its own first revision is superseded, but newer than the
    // cut-off, so it stays and keeps the blob alive after r.txt's first revision is gone
    BatchCommitResult reused =
        db.client
            .commitBatch(
                MetadataFixture.batch(
                    user,
                    List.of(
                        new BatchCommitRequest.BatchItem(
                            FilePath.of("s.txt"),
                            null,
                            "shared content".length(),
                            MetadataFixture.sha256("shared content"),
                            Precondition.NONE))))
            .await();
    db.commit(put(user, "s.txt", "s2"));
    Instant cutOff = reused.changes().get(0).ts();

    RetentionSweepResult result = sweep(cutOff, Instant.EPOCH, 1000);

    assertThat(result.versionsRemoved()).isEqualTo(1);
    assertThat(result.storageKeysToDelete()).isEmpty();
    assertThat(versions(user, "r.txt")).extracting(VersionList.Version::rev).containsExactly(2L);
    assertThat(
            db.client
                .get(new FileQuery(user, FilePath.of("s.txt"), OptionalLong.of(1)))
                .await()
                .blobKey())
        .isEqualTo(r1.blobKey());
  }

  @Test
  void each_step_is_bounded_and_says_when_more_may_follow() {
    String user = newUser();
    for (int i = 0; i < 6; i++) {
      db.commit(put(user, "a.txt", "v" + i));
    }

    List<RetentionSweepResult> steps = new ArrayList<>();
    RetentionSweepResult step;
    do {
      step = sweep(EVERYTHING, Instant.EPOCH, 2);
      steps.add(step);
    } while (step.more());

    assertThat(steps).extracting(RetentionSweepResult::versionsRemoved).containsExactly(2L, 2L, 1L);
    assertThat(steps.stream().mapToLong(s -> s.storageKeysToDelete().size()).sum()).isEqualTo(5);
    assertThat(versions(user, "a.txt")).extracting(VersionList.Version::rev).containsExactly(6L);
  }

  @Test
  void pruning_the_journal_raises_the_floor_so_older_cursors_are_gone() {
    String user = newUser();
    String other = newUser();
    for (int i = 1; i <= 5; i++) {
      db.commit(put(user, "f" + i, "content " + i));
    }
    db.commit(put(other, "x", "x"));
    Instant fourth =
        db.client.changes(new ChangesRequest(user, 3, 1)).await().changes().get(0).ts();

    RetentionSweepResult result = sweep(Instant.EPOCH, fourth, 1000);

    assertThat(result.journalRowsRemoved()).isEqualTo(3);
    assertThat(result.versionsRemoved()).isZero();
    assertThat(db.rows("select journal_floor from users where id = '" + user + "'"))
        .containsExactly(Map.of("journal_floor", 3L));
    ApiException gone =
        catchThrowableOfType(
            ApiException.class, () -> db.client.changes(new ChangesRequest(user, 2, 10)).await());
    assertThat(gone.status()).isEqualTo(410);
    assertThat(gone.key()).isEqualTo("cursor-expired");
    assertThat(db.client.changes(new ChangesRequest(user, 3, 10)).await().changes())
        .extracting(Change::seq)
        .containsExactly(4L, 5L);
    // a user whose rows are all newer keeps them
    assertThat(db.client.changes(new ChangesRequest(other, 0, 10)).await().changes()).hasSize(1);
    assertThat(db.metrics.transactions()).contains("retention:ok");
  }

  /**
   * Every node sweeps: two sweeps running at once never hand back the same storage key twice (an
   * object would be deleted twice, or worse, one still referred to), never fail or deadlock, and
   * together with a later run remove exactly what retention says.
   */
  @Test
  void two_sweeps_at_once_share_the_work_without_handing_back_anything_twice() {
    List<String> superseded = new ArrayList<>();
    List<String> users = new ArrayList<>();
    for (int u = 0; u < 3; u++) {
      String user = newUser();
      users.add(user);
      for (String path : List.of("a.txt", "b.txt")) {
        for (int rev = 1; rev <= 5; rev++) {
          CommitRequest write = put(user, path, user + path + rev);
          db.commit(write);
          if (rev < 5) {
            superseded.add(write.blobKey());
          }
        }
      }
    }

    List<RetentionSweepResult> first = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<RetentionSweepResult> second = new java.util.concurrent.CopyOnWriteArrayList<>();
    io.vertx.core.Future.all(sweepUntilDone(first), sweepUntilDone(second)).await();
    List<RetentionSweepResult> later = new ArrayList<>();
    sweepUntilDone(later).await();

    List<RetentionSweepResult> all = new ArrayList<>(first);
    all.addAll(second);
    all.addAll(later);
    List<String> handedBack =
        all.stream().flatMap(step -> step.storageKeysToDelete().stream()).toList();
    assertThat(handedBack).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(superseded);
    assertThat(all.stream().mapToLong(RetentionSweepResult::versionsRemoved).sum()).isEqualTo(24);
    assertThat(all.stream().mapToLong(RetentionSweepResult::journalRowsRemoved).sum())
        .isEqualTo(30);
    for (String user : users) {
      assertThat(db.rows("select journal_floor from users where id = '" + user + "'"))
          .containsExactly(Map.of("journal_floor", 10L));
      assertThat(versions(user, "a.txt")).extracting(VersionList.Version::rev).containsExactly(5L);
    }
  }

  /** Sweeps in small steps until a step says nothing more is due, collecting every step. */
  private io.vertx.core.Future<Void> sweepUntilDone(List<RetentionSweepResult> steps) {
    return db.client
        .sweepRetention(new RetentionSweepRequest(EVERYTHING, EVERYTHING, 3))
        .compose(
            step -> {
              steps.add(step);
              return step.more() ? sweepUntilDone(steps) : io.vertx.core.Future.succeededFuture();
            });
  }

  @Test
  void a_malformed_sweep_is_a_bad_request() {
    ApiException failure =
        catchThrowableOfType(
            ApiException.class,
            () ->
                db.client
                    .sweepRetention(new RetentionSweepRequest(Instant.EPOCH, Instant.EPOCH, 0))
                    .await());

    assertThat(failure.status()).isEqualTo(400);
  }

  private RetentionSweepResult sweep(Instant versions, Instant journal, int maxRows) {
    return db.client.sweepRetention(new RetentionSweepRequest(versions, journal, maxRows)).await();
  }

  private List<VersionList.Version> versions(String user, String path) {
    return db.client
        .versions(new VersionsRequest(user, FilePath.of(path), 100, OptionalLong.empty()))
        .await()
        .versions();
  }

  private static FileQuery head(String user, String path) {
    return new FileQuery(user, FilePath.of(path), OptionalLong.empty());
  }
}
