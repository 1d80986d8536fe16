package io.ironsync.metadata;

import static io.ironsync.metadata.MetadataFixture.newUser;
import static io.ironsync.metadata.MetadataFixture.put;
import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.metadata.CommitResult.Outcome;
import io.ironsync.testkit.BlockedThreadWatch;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Many commits in flight at once, more than the pool has connections. */
@ExtendWith({VertxExtension.class, BlockedThreadWatch.class})
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConcurrencyIT {

  private static MetadataFixture db;

  @BeforeAll
  static void deploy(Vertx vertx) {
    db = MetadataFixture.deploy(vertx);
  }

  @Test
  void twenty_concurrent_commits_to_one_path_get_revisions_and_seqs_1_to_20() {
    String user = newUser();
    List<Future<CommitResult>> commits = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      commits.add(db.client.commit(put(user, "shared/hot.txt", "version " + i)));
    }

    List<CommitResult> results = Future.all(commits).await().list();

    assertThat(results)
        .extracting(r -> r.meta().rev())
        .containsExactlyInAnyOrderElementsOf(oneTo(20));
    assertThat(results)
        .extracting(CommitResult::journalSeq)
        .containsExactlyInAnyOrderElementsOf(oneTo(20));
    assertThat(results).filteredOn(r -> r.outcome() == Outcome.CREATED).hasSize(1);
    // each revision got the journal seq of its own transaction
    assertThat(results).allMatch(r -> r.meta().rev() == r.journalSeq());
    assertThat(db.rows("select seq, rev from journal where user_id = '" + user + "' order by seq"))
        .hasSize(20)
        .allMatch(row -> row.get("seq").equals(row.get("rev")));
    assertThat(db.footprint(user))
        .containsEntry("seq", 20L)
        .containsEntry("versions", 20L)
        .containsEntry("blobs", 20L);
  }

  @Test
  void concurrent_identical_commits_create_once_and_leave_the_sequence_gapless() {
    String user = newUser();
    List<Future<CommitResult>> commits = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      commits.add(db.client.commit(put(user, "same.txt", "identical")));
    }

    List<CommitResult> results = Future.all(commits).await().list();
    CommitResult next = db.commit(put(user, "same.txt", "different"));

    assertThat(results).filteredOn(r -> r.outcome() == Outcome.CREATED).hasSize(1);
    assertThat(results).filteredOn(r -> r.outcome() == Outcome.UNCHANGED).hasSize(9);
    assertThat(next.journalSeq()).isEqualTo(2);
    assertThat(db.rows("select seq from journal where user_id = '" + user + "' order by seq"))
        .containsExactly(Map.of("seq", 1L), Map.of("seq", 2L));
  }

  @Test
  void two_users_committing_at_once_each_get_their_own_gapless_sequence() {
    String alice = newUser();
    String bob = newUser();
    List<Future<CommitResult>> commits = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      // same paths for both users: nothing is shared but the tables
      commits.add(db.client.commit(put(alice, "work/doc-" + (i % 4) + ".txt", "alice " + i)));
      commits.add(db.client.commit(put(bob, "work/doc-" + (i % 4) + ".txt", "bob " + i)));
    }

    Future.all(commits).await();

    for (String user : List.of(alice, bob)) {
      assertThat(
              db
                  .rows("select seq from journal where user_id = '" + user + "' order by seq")
                  .stream()
                  .map(row -> (Long) row.get("seq"))
                  .toList())
          .containsExactlyElementsOf(oneTo(15));
      assertThat(db.footprint(user)).containsEntry("seq", 15L).containsEntry("versions", 15L);
      assertThat(
              db.count(
                  "select count(*) from files where user_id = '"
                      + user
                      + "' and kind = 'folder' and path = 'work'"))
          .isEqualTo(1);
    }
  }

  private static List<Long> oneTo(long n) {
    return LongStream.rangeClosed(1, n).boxed().toList();
  }
}
