package io.ironsync.metadata;

import static io.ironsync.metadata.MetadataFixture.newUser;
import static io.ironsync.metadata.MetadataFixture.put;
import static io.ironsync.metadata.MetadataFixture.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.FileMeta;
import io.ironsync.metadata.CommitResult.Outcome;
import io.ironsync.testkit.BlockedThreadWatch;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith({VertxExtension.class, BlockedThreadWatch.class})
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CommitIT {

  private static MetadataFixture db;

  @BeforeAll
  static void deploy(Vertx vertx) {
    db = MetadataFixture.deploy(vertx);
  }

  @Test
  void creating_a_file_writes_blob_version_head_journal_and_ancestor_folders() {
    String user = newUser();
    CommitRequest request = put(user, "docs/reports/q1.txt", "first");

    CommitResult result = db.commit(request);

    String sha = sha256("first");
    assertThat(result.outcome()).isEqualTo(Outcome.CREATED);
    assertThat(result.journalSeq()).isEqualTo(1);
    FileMeta meta = result.meta();
    assertThat(meta.path()).isEqualTo("docs/reports/q1.txt");
    assertThat(meta.rev()).isEqualTo(1);
    assertThat(meta.size()).isEqualTo(5);
    assertThat(meta.sha256()).isEqualTo(sha);
    assertThat(meta.etag()).isEqualTo("1-" + sha.substring(0, 16));
    assertThat(meta.deviceId()).isEqualTo("laptop");

    Map<String, Object> blob =
        single(
            "select id, storage_key, size, encode(sha256, 'hex') as sha256 from blobs"
                + " where user_id = '"
                + user
                + "'");
    assertThat(blob)
        .containsEntry("storage_key", request.blobKey())
        .containsEntry("size", 5L)
        .containsEntry("sha256", sha);
    Map<String, Object> version = single("select * from versions where user_id = '" + user + "'");
    assertThat(version)
        .containsEntry("path", "docs/reports/q1.txt")
        .containsEntry("rev", 1L)
        .containsEntry("blob_id", blob.get("id"))
        .containsEntry("etag", meta.etag())
        .containsEntry("deleted", false);
    Map<String, Object> journal = single("select * from journal where user_id = '" + user + "'");
    assertThat(journal)
        .containsEntry("seq", 1L)
        .containsEntry("op", "put")
        .containsEntry("path", "docs/reports/q1.txt")
        .containsEntry("rev", 1L)
        .containsEntry("etag", meta.etag())
        .containsEntry("device_id", "laptop");
    assertThat(
            db.rows(
                "select path, parent, name, kind, blob_id is not null as has_blob from files"
                    + " where user_id = '"
                    + user
                    + "' order by path"))
        .containsExactly(
            Map.of(
                "path", "docs", "parent", "", "name", "docs", "kind", "folder", "has_blob", false),
            Map.of(
                "path",
                "docs/reports",
                "parent",
                "docs",
                "name",
                "reports",
                "kind",
                "folder",
                "has_blob",
                false),
            Map.of(
                "path",
                "docs/reports/q1.txt",
                "parent",
                "docs/reports",
                "name",
                "q1.txt",
                "kind",
                "file",
                "has_blob",
                true));
    assertThat(db.footprint(user)).containsEntry("seq", 1L);
  }

  @Test
  void updating_a_file_adds_revision_2_with_journal_seq_2() {
    String user = newUser();
    db.commit(put(user, "notes.txt", "v1"));

    CommitResult result = db.commit(put(user, "notes.txt", "v2"));

    assertThat(result.outcome()).isEqualTo(Outcome.UPDATED);
    assertThat(result.meta().rev()).isEqualTo(2);
    assertThat(result.journalSeq()).isEqualTo(2);
    assertThat(
            db.rows(
                "select rev, encode(sha256, 'hex') as sha256 from files where user_id = '"
                    + user
                    + "'"))
        .containsExactly(Map.of("rev", 2L, "sha256", sha256("v2")));
    assertThat(db.rows("select seq, rev from journal where user_id = '" + user + "' order by seq"))
        .containsExactly(Map.of("seq", 1L, "rev", 1L), Map.of("seq", 2L, "rev", 2L));
    assertThat(db.footprint(user))
        .containsEntry("versions", 2L)
        .containsEntry("blobs", 2L)
        .containsEntry("seq", 2L);
  }

  @Test
  void identical_content_is_unchanged_writes_nothing_and_leaves_no_gap_in_the_journal() {
    String user = newUser();
    CommitResult first = db.commit(put(user, "same.txt", "content"));
    Map<String, Long> before = db.footprint(user);

    CommitResult again = db.commit(put(user, "same.txt", "content"));

    assertThat(again.outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(again.journalSeq()).isZero();
    assertThat(again.meta()).isEqualTo(first.meta());
    assertThat(db.footprint(user)).isEqualTo(before);

    CommitResult next = db.commit(put(user, "same.txt", "other content"));
    assertThat(next.journalSeq()).isEqualTo(2);
    assertThat(next.meta().rev()).isEqualTo(2);
    assertThat(db.metrics.transactions()).contains("commit:unchanged", "commit:committed");
  }

  @Test
  void if_match_with_the_current_etag_updates() {
    String user = newUser();
    FileMeta v1 = db.commit(put(user, "a.txt", "v1")).meta();

    CommitResult result = db.commit(put(user, "a.txt", "v2", new Precondition.IfMatch(v1.etag())));

    assertThat(result.outcome()).isEqualTo(Outcome.UPDATED);
    assertThat(result.meta().rev()).isEqualTo(2);
  }

  @Test
  void if_match_with_a_stale_etag_fails_with_the_current_metadata_and_writes_nothing() {
    String user = newUser();
    FileMeta v1 = db.commit(put(user, "a.txt", "v1")).meta();
    FileMeta v2 = db.commit(put(user, "a.txt", "v2")).meta();
    Map<String, Long> before = db.footprint(user);

    ApiException failure =
        commitFails(put(user, "a.txt", "v3", new Precondition.IfMatch(v1.etag())));

    assertThat(failure.status()).isEqualTo(412);
    assertThat(failure.key()).isEqualTo("precondition-failed");
    assertThat(failure.extensions().getJsonObject("current").getString("etag"))
        .isEqualTo(v2.etag());
    assertThat(failure.extensions().getJsonObject("current").getLong("rev")).isEqualTo(2);
    assertThat(db.footprint(user)).isEqualTo(before);
    assertThat(db.metrics.transactions()).contains("commit:rejected");
  }

  @Test
  void if_match_star_needs_a_live_file() {
    String user = newUser();

    ApiException failure = commitFails(put(user, "a.txt", "v1", new Precondition.IfMatch("*")));

    assertThat(failure.status()).isEqualTo(412);
    assertThat(failure.extensions().containsKey("current")).isFalse();
    assertThat(db.footprint(user)).containsEntry("seq", 0L).containsEntry("journal", 0L);

    db.commit(put(user, "a.txt", "v1"));
    assertThat(db.commit(put(user, "a.txt", "v2", new Precondition.IfMatch("*"))).outcome())
        .isEqualTo(Outcome.UPDATED);
  }

  @Test
  void if_none_match_creates_only() {
    String user = newUser();

    CommitResult created = db.commit(put(user, "a.txt", "v1", new Precondition.IfNoneExists()));
    ApiException failure = commitFails(put(user, "a.txt", "v2", new Precondition.IfNoneExists()));

    assertThat(created.outcome()).isEqualTo(Outcome.CREATED);
    assertThat(failure.status()).isEqualTo(412);
    assertThat(failure.extensions().getJsonObject("current").getString("etag"))
        .isEqualTo(created.meta().etag());
    assertThat(db.footprint(user)).containsEntry("seq", 1L);
  }

  @Test
  void a_file_cannot_replace_a_folder_nor_live_under_a_file() {
    String user = newUser();
    db.commit(put(user, "a/b.txt", "x"));
    Map<String, Long> before = db.footprint(user);

    ApiException overFolder = commitFails(put(user, "a", "y"));
    ApiException underFile = commitFails(put(user, "a/b.txt/c/d.txt", "z"));

    assertThat(overFolder.status()).isEqualTo(409);
    assertThat(overFolder.key()).isEqualTo("path-is-folder");
    assertThat(underFile.status()).isEqualTo(409);
    assertThat(underFile.key()).isEqualTo("parent-is-file");
    assertThat(underFile.detail()).contains("'a/b.txt'");
    assertThat(db.footprint(user)).isEqualTo(before);
  }

  @Test
  void revisions_continue_after_a_delete_and_re_create() {
    String user = newUser();
    db.commit(put(user, "a.txt", "v1"));
    db.client.delete(MetadataFixture.delete(user, "a.txt")).await();

    CommitResult recreated = db.commit(put(user, "a.txt", "v1"));

    assertThat(recreated.outcome()).isEqualTo(Outcome.CREATED);
    assertThat(recreated.meta().rev()).isEqualTo(3);
    assertThat(recreated.meta().etag()).startsWith("3-");
    assertThat(recreated.journalSeq()).isEqualTo(3);
  }

  @Test
  void a_deleted_file_becomes_a_folder_when_a_file_is_committed_below_it() {
    String user = newUser();
    db.commit(put(user, "x", "file"));
    db.client.delete(MetadataFixture.delete(user, "x")).await();

    CommitResult below = db.commit(put(user, "x/y.txt", "below"));

    assertThat(below.outcome()).isEqualTo(Outcome.CREATED);
    assertThat(
            db.rows(
                "select kind, deleted, rev, blob_id from files where user_id = '"
                    + user
                    + "' and path = 'x'"))
        .containsExactly(mapOf("kind", "folder", "deleted", false, "rev", 2L, "blob_id", null));
    assertThat(commitFails(put(user, "x", "file again")).key()).isEqualTo("path-is-folder");
  }

  @Test
  void malformed_requests_are_rejected_before_the_database() {
    String user = newUser();
    CommitRequest good = put(user, "a.txt", "x");
    CommitRequest badDigest =
        new CommitRequest(
            good.caller(), good.path(), good.blobKey(), 1, "not-hex", Precondition.NONE);
    CommitRequest noKey =
        new CommitRequest(good.caller(), good.path(), "", 1, good.sha256(), Precondition.NONE);

    assertThat(commitFails(badDigest).key()).isEqualTo("invalid-sha256");
    assertThat(commitFails(noKey).status()).isEqualTo(400);
    assertThat(db.footprint(user)).containsEntry("seq", 0L);
  }

  @Test
  void an_uppercase_digest_is_stored_and_compared_in_lowercase() {
    String user = newUser();
    CommitRequest lower = put(user, "a.txt", "x");
    CommitRequest upper =
        new CommitRequest(
            lower.caller(),
            lower.path(),
            "blobs/upper",
            lower.size(),
            lower.sha256().toUpperCase(),
            Precondition.NONE);

    db.commit(lower);

    CommitResult again = db.commit(upper);
    assertThat(again.outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(
            single(
                "select encode(sha256, 'hex') as sha256 from versions where user_id = '"
                    + user
                    + "'"))
        .containsEntry("sha256", lower.sha256());
  }

  private static ApiException commitFails(CommitRequest request) {
    return catchThrowableOfType(ApiException.class, () -> db.client.commit(request).await());
  }

  private static Map<String, Object> single(String sql) {
    List<Map<String, Object>> rows = db.rows(sql);
    assertThat(rows).hasSize(1);
    return rows.get(0);
  }

  private static Map<String, Object> mapOf(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }
}
