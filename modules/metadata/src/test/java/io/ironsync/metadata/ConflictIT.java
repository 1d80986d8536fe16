package io.ironsync.metadata;

import static io.ironsync.metadata.MetadataFixture.batch;
import static io.ironsync.metadata.MetadataFixture.item;
import static io.ironsync.metadata.MetadataFixture.newUser;
import static io.ironsync.metadata.MetadataFixture.put;
import static io.ironsync.metadata.MetadataFixture.withQuota;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.Caller;
import io.ironsync.domain.FileMeta;
import io.ironsync.domain.FilePath;
import io.ironsync.metadata.CommitResult.Outcome;
import io.ironsync.testkit.BlockedThreadWatch;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Updates based on a revision that is no longer the head: refused, or kept as a conflict copy. */
@ExtendWith({VertxExtension.class, BlockedThreadWatch.class})
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConflictIT {

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HHmmss").withZone(ZoneOffset.UTC);

  private static final List<Change> heard = Collections.synchronizedList(new ArrayList<>());
  private static MetadataFixture db;

  @BeforeAll
  static void deploy(Vertx vertx) {
    db = MetadataFixture.deploy(vertx, 1, (userId, changes) -> heard.addAll(changes));
  }

  @Test
  void a_stale_if_match_fails_with_412_when_conflicts_fail() {
    String user = newUser();
    FileMeta v1 = db.commit(put(user, "a.txt", "v1")).meta();
    FileMeta v2 = db.commit(put(user, "a.txt", "v2")).meta();
    Map<String, Long> before = db.footprint(user);

    ApiException failure =
        commitFails(
            put(user, "a.txt", "v3", new Precondition.IfMatch(v1.etag()))
                .withConflictMode(ConflictMode.FAIL));

    assertThat(failure.status()).isEqualTo(412);
    assertThat(failure.extensions().getJsonObject("current").getString("etag"))
        .isEqualTo(v2.etag());
    assertThat(db.footprint(user)).isEqualTo(before);
  }

  @Test
  void a_stale_if_match_with_copy_saves_a_named_conflict_copy_next_to_the_original() {
    String user = newUser();
    FileMeta v1 = db.commit(put(user, "docs/report.final.txt", "v1")).meta();
    FileMeta v2 = db.commit(put(user, "docs/report.final.txt", "v2 from the laptop")).meta();
    CommitRequest stale =
        new CommitRequest(
            new Caller(user, "Anna's Phone/β"),
            FilePath.of("docs/report.final.txt"),
            "blobs/phone-edit",
            13,
            MetadataFixture.sha256("phone edit v2"),
            new Precondition.IfMatch(v1.etag()),
            0,
            ConflictMode.COPY);

    CommitResult copy = db.commit(stale);

    String expected =
        "docs/report.final (conflict AnnasPhoneβ "
            + STAMP.format(copy.meta().modified())
            + " UTC).txt";
    assertThat(copy.outcome()).isEqualTo(Outcome.CONFLICT_COPY);
    assertThat(copy.meta().path()).isEqualTo(expected);
    assertThat(copy.meta().rev()).isEqualTo(1);
    assertThat(copy.meta().sha256()).isEqualTo(MetadataFixture.sha256("phone edit v2"));
    assertThat(copy.journalSeq()).isEqualTo(3);
    assertThat(copy.changes())
        .singleElement()
        .satisfies(
            change -> {
              assertThat(change.op()).isEqualTo(Change.Op.PUT);
              assertThat(change.path()).isEqualTo(expected);
              assertThat(change.conflictOf()).isEqualTo("docs/report.final.txt");
            });
    // the original is untouched, and both are stored
    assertThat(head(user, "docs/report.final.txt")).isEqualTo(v2);
    assertThat(head(user, expected)).isEqualTo(copy.meta());
    assertThat(db.usedBytes(user)).isEqualTo(v2.size() + 13);
    assertThat(
            db.rows(
                "select seq, op, path, conflict_of from journal where user_id = '"
                    + user
                    + "' and seq = 3"))
        .containsExactly(
            Map.of(
                "seq", 3L, "op", "put", "path", expected, "conflict_of", "docs/report.final.txt"));
    assertThat(db.client.changes(new ChangesRequest(user, 2, 10)).await().changes())
        .extracting(Change::conflictOf)
        .containsExactly("docs/report.final.txt");
    assertThat(heard).contains(copy.changes().get(0));
    assertThat(db.metrics.transactions()).contains("commit:conflict-copy");
  }

  @Test
  void identical_content_with_a_stale_if_match_is_unchanged_in_either_mode() {
    String user = newUser();
    FileMeta v1 = db.commit(put(user, "a.txt", "v1")).meta();
    FileMeta v2 = db.commit(put(user, "a.txt", "v2")).meta();
    Map<String, Long> before = db.footprint(user);
    CommitRequest sameAsHead = put(user, "a.txt", "v2", new Precondition.IfMatch(v1.etag()));

    CommitResult strict = db.commit(sameAsHead);
    CommitResult copying = db.commit(sameAsHead.withConflictMode(ConflictMode.COPY));
    CommitResult createOnly = db.commit(put(user, "a.txt", "v2", new Precondition.IfNoneExists()));

    assertThat(List.of(strict, copying, createOnly))
        .allSatisfy(
            result -> {
              assertThat(result.outcome()).isEqualTo(Outcome.UNCHANGED);
              assertThat(result.meta()).isEqualTo(v2);
              assertThat(result.changes()).isEmpty();
            });
    assertThat(db.footprint(user)).isEqualTo(before);
  }

  @Test
  void if_none_match_failing_with_copy_makes_a_copy_and_an_unknown_device_is_named_so() {
    String user = newUser();
    db.commit(put(user, "notes", "theirs"));
    CommitRequest mine =
        new CommitRequest(
            new Caller(user, null),
            FilePath.of("notes"),
            "blobs/mine",
            4,
            MetadataFixture.sha256("mine"),
            new Precondition.IfNoneExists(),
            0,
            ConflictMode.COPY);

    CommitResult copy = db.commit(mine);

    assertThat(copy.outcome()).isEqualTo(Outcome.CONFLICT_COPY);
    assertThat(copy.meta().path())
        .isEqualTo(
            "notes (conflict unknown device " + STAMP.format(copy.meta().modified()) + " UTC)");
  }

  @Test
  void a_taken_copy_name_gets_the_next_number_before_the_extension() {
    String user = newUser();
    FileMeta v1 = db.commit(put(user, "a/b.txt", "v1")).meta();
    db.commit(put(user, "a/b.txt", "v2"));
    // take the first candidate name of every second of the next minute, so the copy cannot have it
    Instant now = Instant.now();
    List<BatchCommitRequest.BatchItem> taken = new ArrayList<>();
    for (int s = -2; s < 60; s++) {
      taken.add(
          item("a/b (conflict laptop " + STAMP.format(now.plusSeconds(s)) + " UTC).txt", "x" + s));
    }
    assertThat(db.client.commitBatch(batch(user, taken)).await().changes()).hasSize(62);

    CommitResult copy =
        db.commit(
            put(user, "a/b.txt", "v3", new Precondition.IfMatch(v1.etag()))
                .withConflictMode(ConflictMode.COPY));

    assertThat(copy.meta().path())
        .isEqualTo("a/b (conflict laptop " + STAMP.format(copy.meta().modified()) + " UTC) 2.txt");
  }

  @Test
  void a_conflict_copy_counts_against_the_quota() {
    String user = newUser();
    FileMeta v1 = db.commit(withQuota(put(user, "a.txt", "x".repeat(300)), 500)).meta();
    db.commit(withQuota(put(user, "a.txt", "y".repeat(300)), 500));
    Map<String, Long> before = db.footprint(user);

    ApiException failure =
        commitFails(
            withQuota(put(user, "a.txt", "z".repeat(300), new Precondition.IfMatch(v1.etag())), 500)
                .withConflictMode(ConflictMode.COPY));

    assertThat(failure.status()).isEqualTo(507);
    assertThat(db.footprint(user)).isEqualTo(before);
  }

  @Test
  void a_copy_needs_the_same_folders_as_the_original() {
    String user = newUser();
    db.commit(put(user, "a", "a file"));

    ApiException failure =
        commitFails(
            put(user, "a/b.txt", "below a file", new Precondition.IfMatch("*"))
                .withConflictMode(ConflictMode.COPY));

    assertThat(failure.status()).isEqualTo(409);
    assertThat(failure.key()).isEqualTo("parent-is-file");
  }

  @Test
  void a_delete_with_a_stale_if_match_stays_412() {
    String user = newUser();
    FileMeta v1 = db.commit(put(user, "a.txt", "v1")).meta();
    db.commit(put(user, "a.txt", "v2"));

    ApiException failure =
        catchThrowableOfType(
            ApiException.class,
            () ->
                db.client
                    .delete(
                        new DeleteRequest(
                            new Caller(user, "phone"),
                            FilePath.of("a.txt"),
                            new Precondition.IfMatch(v1.etag())))
                    .await());

    assertThat(failure.status()).isEqualTo(412);
    assertThat(
            db.client
                .versions(new VersionsRequest(user, FilePath.of("a.txt"), 10, OptionalLong.empty()))
                .await()
                .versions())
        .hasSize(2);
  }

  private static FileMeta head(String user, String path) {
    return db.client
        .get(new FileQuery(user, FilePath.of(path), OptionalLong.empty()))
        .await()
        .meta();
  }

  private static ApiException commitFails(CommitRequest request) {
    return catchThrowableOfType(ApiException.class, () -> db.client.commit(request).await());
  }
}
