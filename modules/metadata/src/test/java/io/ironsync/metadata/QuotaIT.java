package io.ironsync.metadata;

import static io.ironsync.metadata.MetadataFixture.delete;
import static io.ironsync.metadata.MetadataFixture.newUser;
import static io.ironsync.metadata.MetadataFixture.put;
import static io.ironsync.metadata.MetadataFixture.withQuota;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ironsync.domain.ApiException;
import io.ironsync.metadata.CommitResult.Outcome;
import io.ironsync.testkit.BlockedThreadWatch;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Storage quotas against the real database. Several verticle instances serve the bus, so one user's
 * concurrent commits meet in PostgreSQL, where only the user's row lock keeps them in line.
 */
@ExtendWith({VertxExtension.class, BlockedThreadWatch.class})
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QuotaIT {

  private static final long QUOTA = 500;

  private static MetadataFixture db;

  @BeforeAll
  static void deploy(Vertx vertx) {
    db = MetadataFixture.deploy(vertx, 4);
  }

  @Test
  void commits_within_the_quota_succeed_and_count_towards_usage() {
    String user = newUser();

    CommitResult first = db.commit(withQuota(put(user, "a.txt", bytes('a', 300)), QUOTA));
    CommitResult upToTheQuota = db.commit(withQuota(put(user, "b/c.txt", bytes('c', 200)), QUOTA));

    assertThat(first.outcome()).isEqualTo(Outcome.CREATED);
    assertThat(upToTheQuota.outcome()).isEqualTo(Outcome.CREATED);
    assertThat(db.usedBytes(user)).isEqualTo(500);
    assertThat(db.metrics.transactions()).contains("usage:ok");
  }

  @Test
  void a_commit_over_the_quota_fails_with_507_and_writes_nothing() {
    String user = newUser();
    db.commit(withQuota(put(user, "a.txt", bytes('a', 450)), QUOTA));
    Map<String, Long> before = db.footprint(user);

    ApiException failure = commitFails(withQuota(put(user, "docs/b.txt", bytes('b', 100)), QUOTA));

    assertThat(failure.status()).isEqualTo(507);
    assertThat(failure.key()).isEqualTo("quota-exceeded");
    assertThat(failure.title()).isEqualTo("Storage quota exceeded");
    assertThat(failure.detail()).contains("docs/b.txt", "100 bytes", "450 bytes", "quota of 500");
    // no blob, version, head, folder or journal row, and the journal seq is given back
    assertThat(db.footprint(user)).isEqualTo(before).containsEntry("seq", 1L);
    assertThat(db.usedBytes(user)).isEqualTo(450);
    assertThat(db.metrics.transactions()).contains("commit:rejected");
    assertThat(db.commit(withQuota(put(user, "b.txt", bytes('b', 50)), QUOTA)).journalSeq())
        .isEqualTo(2);
  }

  @Test
  void a_replacement_counts_only_the_difference_and_shrinking_works_even_over_the_quota() {
    String user = newUser();
    db.commit(withQuota(put(user, "a.txt", bytes('a', 400)), QUOTA));

    CommitResult grown = db.commit(withQuota(put(user, "a.txt", bytes('b', 500)), QUOTA));
    ApiException tooBig = commitFails(withQuota(put(user, "a.txt", bytes('c', 501)), QUOTA));

    assertThat(grown.outcome()).isEqualTo(Outcome.UPDATED);
    assertThat(tooBig.status()).isEqualTo(507);
    assertThat(db.usedBytes(user)).isEqualTo(500);

    // the quota drops below what the user stores: growth is refused, shrinking is not
    long lowered = 300;
    ApiException oneMoreByte = commitFails(withQuota(put(user, "b.txt", bytes('d', 1)), lowered));
    CommitResult shrunk = db.commit(withQuota(put(user, "a.txt", bytes('e', 350)), lowered));

    assertThat(oneMoreByte.status()).isEqualTo(507);
    assertThat(shrunk.outcome()).isEqualTo(Outcome.UPDATED);
    assertThat(db.usedBytes(user)).isEqualTo(350);
  }

  @Test
  void deleting_a_file_frees_its_bytes_and_re_creating_it_counts_it_again() {
    String user = newUser();
    db.commit(withQuota(put(user, "a.txt", bytes('a', 300)), QUOTA));
    db.commit(withQuota(put(user, "b.txt", bytes('b', 200)), QUOTA));

    db.client.delete(delete(user, "a.txt")).await();

    assertThat(db.usedBytes(user)).isEqualTo(200);
    // the tombstone holds no bytes, so the new content counts in full
    CommitResult recreated = db.commit(withQuota(put(user, "a.txt", bytes('c', 300)), QUOTA));
    assertThat(recreated.outcome()).isEqualTo(Outcome.CREATED);
    assertThat(db.usedBytes(user)).isEqualTo(500);
  }

  @Test
  void identical_content_changes_nothing_even_over_the_quota() {
    String user = newUser();
    db.commit(withQuota(put(user, "a.txt", bytes('a', 500)), QUOTA));
    Map<String, Long> before = db.footprint(user);

    CommitResult atQuota = db.commit(withQuota(put(user, "a.txt", bytes('a', 500)), QUOTA));
    CommitResult overQuota = db.commit(withQuota(put(user, "a.txt", bytes('a', 500)), 100));

    assertThat(atQuota.outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(overQuota.outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(db.footprint(user)).isEqualTo(before).containsEntry("usedBytes", 500L);
  }

  @Test
  void without_a_quota_nothing_is_refused_and_usage_is_still_counted() {
    String user = newUser();

    db.commit(put(user, "big.bin", bytes('x', 10_000)));

    assertThat(db.usedBytes(user)).isEqualTo(10_000);
  }

  @Test
  void a_user_who_never_wrote_uses_nothing() {
    assertThat(db.usedBytes(newUser())).isZero();
  }

  @Test
  void a_negative_quota_is_a_bad_request() {
    String user = newUser();

    ApiException failure = commitFails(withQuota(put(user, "a.txt", "x"), -1));

    assertThat(failure.status()).isEqualTo(400);
    assertThat(failure.key()).isEqualTo("invalid-quota");
    assertThat(db.footprint(user)).containsEntry("seq", 0L);
  }

  @Test
  void ten_concurrent_commits_of_100_bytes_under_a_500_byte_quota_store_exactly_five() {
    String user = newUser();
    List<Future<String>> outcomes = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      CommitRequest request = withQuota(put(user, "burst/file-" + i, bytes('x', 100)), QUOTA);
      outcomes.add(
          db.client
              .commit(request)
              .map(result -> result.outcome().name())
              .otherwise(
                  failure -> failure instanceof ApiException api ? api.key() : failure.toString()));
    }

    List<String> results = Future.all(outcomes).await().list();

    assertThat(results).filteredOn("CREATED"::equals).hasSize(5);
    assertThat(results).filteredOn("quota-exceeded"::equals).hasSize(5);
    assertThat(db.usedBytes(user)).isEqualTo(500);
    assertThat(db.footprint(user))
        .containsEntry("seq", 5L)
        .containsEntry("journal", 5L)
        .containsEntry("versions", 5L)
        .containsEntry("blobs", 5L);
    assertThat(db.rows("select seq from journal where user_id = '" + user + "' order by seq"))
        .extracting(row -> row.get("seq"))
        .containsExactly(1L, 2L, 3L, 4L, 5L);
  }

  /** {@code count} ASCII characters: as many bytes. */
  private static String bytes(char c, int count) {
    return String.valueOf(c).repeat(count);
  }

  private static ApiException commitFails(CommitRequest request) {
    return catchThrowableOfType(ApiException.class, () -> db.client.commit(request).await());
  }
}
