package io.ironsync.metadata;

import static io.ironsync.metadata.MetadataFixture.delete;
import static io.ironsync.metadata.MetadataFixture.newUser;
import static io.ironsync.metadata.MetadataFixture.put;
import static io.ironsync.metadata.MetadataFixture.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.Caller;
import io.ironsync.domain.FileMeta;
import io.ironsync.domain.FilePath;
import io.ironsync.metadata.CommitResult.Outcome;
import io.ironsync.testkit.BlockedThreadWatch;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
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

@ExtendWith({VertxExtension.class, BlockedThreadWatch.class})
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VersionsAndRestoreIT {

  private static final List<String> heard = Collections.synchronizedList(new ArrayList<>());
  private static MetadataFixture db;

  @BeforeAll
  static void deploy(Vertx vertx) {
    db = MetadataFixture.deploy(vertx, 1, MetadataFixture.describingInto(heard));
  }

  @Test
  void versions_page_newest_first_with_tombstones() {
    String user = newUser();
    List<FileMeta> revisions = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      revisions.add(db.commit(put(user, "doc.txt", "version " + i)).meta());
    }
    db.client.delete(delete(user, "doc.txt")).await();

    VersionList first = versions(user, "doc.txt", 2, OptionalLong.empty());
    VersionList second = versions(user, "doc.txt", 2, first.nextBeforeRev());
    VersionList third = versions(user, "doc.txt", 2, second.nextBeforeRev());

    assertThat(first.versions()).extracting(VersionList.Version::rev).containsExactly(6L, 5L);
    assertThat(first.nextBeforeRev()).hasValue(5);
    VersionList.Version tombstone = first.versions().get(0);
    assertThat(tombstone.deleted()).isTrue();
    assertThat(tombstone.size()).isNull();
    assertThat(tombstone.sha256()).isNull();
    assertThat(tombstone.deviceId()).isEqualTo("phone");
    VersionList.Version five = first.versions().get(1);
    FileMeta v5 = revisions.get(4);
    assertThat(five)
        .isEqualTo(
            new VersionList.Version(
                5, v5.size(), v5.sha256(), v5.etag(), v5.modified(), "laptop", false));
    assertThat(second.versions()).extracting(VersionList.Version::rev).containsExactly(4L, 3L);
    assertThat(third.versions()).extracting(VersionList.Version::rev).containsExactly(2L, 1L);
    assertThat(third.nextBeforeRev()).isEmpty();
    assertThat(versions(user, "doc.txt", 10, OptionalLong.of(1)).versions()).isEmpty();
    assertThat(db.metrics.transactions()).contains("versions:ok");
  }

  @Test
  void versions_of_a_path_that_never_held_a_file_are_404_also_for_other_users() {
    String owner = newUser();
    db.commit(put(owner, "folder/mine.txt", "x"));

    assertThat(versionsFail(owner, "nothing.txt").status()).isEqualTo(404);
    assertThat(versionsFail(owner, "folder").status()).isEqualTo(404);
    assertThat(versionsFail(newUser(), "folder/mine.txt").status()).isEqualTo(404);
  }

  @Test
  void restoring_an_old_version_makes_a_new_revision_that_shares_its_blob() {
    String user = newUser();
    CommitRequest first = put(user, "a.txt", "the first words");
    FileMeta v1 = db.commit(first).meta();
    db.commit(put(user, "a.txt", "second"));
    Map<String, Long> before = db.footprint(user);

    CommitResult restored = db.client.restore(restore(user, "a.txt", 1, 0)).await();

    assertThat(restored.outcome()).isEqualTo(Outcome.UPDATED);
    assertThat(restored.meta().rev()).isEqualTo(3);
    assertThat(restored.meta().sha256()).isEqualTo(v1.sha256());
    assertThat(restored.meta().size()).isEqualTo(v1.size());
    assertThat(restored.meta().deviceId()).isEqualTo("tablet");
    assertThat(restored.journalSeq()).isEqualTo(3);
    assertThat(restored.changes())
        .singleElement()
        .satisfies(
            change -> {
              assertThat(change.op()).isEqualTo(Change.Op.PUT);
              assertThat(change.rev()).isEqualTo(3);
            });
    assertThat(db.client.get(head(user, "a.txt")).await().blobKey()).isEqualTo(first.blobKey());
    assertThat(
            db.count(
                "select count(distinct blob_id) from versions where user_id = '"
                    + user
                    + "' and rev in (1, 3)"))
        .isEqualTo(1);
    assertThat(db.footprint(user))
        .containsEntry("blobs", before.get("blobs"))
        .containsEntry("versions", before.get("versions") + 1)
        .containsEntry("usedBytes", v1.size());
    assertThat(heard).contains(user + " 3 PUT a.txt");
  }

  @Test
  void a_deleted_file_is_restored_from_the_trash() {
    String user = newUser();
    FileMeta v1 = db.commit(put(user, "trash/me.txt", "keep me")).meta();
    db.client.delete(delete(user, "trash/me.txt")).await();
    assertThat(db.usedBytes(user)).isZero();

    CommitResult restored = db.client.restore(restore(user, "trash/me.txt", 1, 0)).await();

    assertThat(restored.outcome()).isEqualTo(Outcome.CREATED);
    assertThat(restored.meta().rev()).isEqualTo(3);
    assertThat(db.client.get(head(user, "trash/me.txt")).await().meta().sha256())
        .isEqualTo(v1.sha256());
    assertThat(db.usedBytes(user)).isEqualTo(v1.size());
    assertThat(heard).contains(user + " 3 PUT trash/me.txt");
  }

  @Test
  void restore_refuses_missing_revisions_tombstones_folders_and_the_quota() {
    String user = newUser();
    db.commit(put(user, "a.txt", "x".repeat(100)));
    db.client.delete(delete(user, "a.txt")).await();
    db.commit(put(user, "a.txt", "y"));
    db.commit(put(user, "dir/inside.txt", "z"));
    db.commit(put(user, "other.txt", "o".repeat(350)));
    // "x" was a file and is a folder now
    db.commit(put(user, "x", "was a file"));
    db.client.delete(delete(user, "x")).await();
    db.commit(put(user, "x/y.txt", "w"));
    // "p/q.txt" was a file below a folder "p" that is a file now
    db.commit(put(user, "p/q.txt", "q"));
    db.client.delete(delete(user, "p/q.txt")).await();
    db.client
        .move(
            new MoveRequest(
                new Caller(user, "tablet"),
                FilePath.of("p"),
                FilePath.of("p-old"),
                Precondition.NONE))
        .await();
    db.commit(put(user, "p", "a file now"));
    Map<String, Long> before = db.footprint(user);

    assertThat(restoreFails(restore(user, "a.txt", 9, 0)))
        .extracting(ApiException::status, ApiException::key)
        .containsExactly(404, "not-found");
    assertThat(restoreFails(restore(user, "a.txt", 2, 0)))
        .extracting(ApiException::status, ApiException::key)
        .containsExactly(409, "revision-deleted");
    assertThat(restoreFails(restore(user, "dir", 1, 0)).status()).isEqualTo(404);
    assertThat(restoreFails(restore(user, "x", 1, 0)))
        .extracting(ApiException::status, ApiException::key)
        .containsExactly(409, "path-is-folder");
    assertThat(restoreFails(restore(user, "p/q.txt", 1, 0)))
        .extracting(ApiException::status, ApiException::key)
        .containsExactly(409, "parent-is-file");
    // 1 + 1 + 350 + 1 + 10 bytes stored; bringing back 100 bytes over "y" needs 99 more
    assertThat(restoreFails(restore(user, "a.txt", 1, 400)))
        .extracting(ApiException::status, ApiException::key)
        .containsExactly(507, "quota-exceeded");
    assertThat(db.footprint(user)).isEqualTo(before);
  }

  @Test
  void restoring_the_content_the_head_already_has_is_unchanged() {
    String user = newUser();
    db.commit(put(user, "a.txt", "same"));
    db.commit(put(user, "a.txt", "other"));
    FileMeta head = db.commit(put(user, "a.txt", "same")).meta();
    Map<String, Long> before = db.footprint(user);

    CommitResult result = db.client.restore(restore(user, "a.txt", 1, 0)).await();

    assertThat(result.outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(result.meta()).isEqualTo(head);
    assertThat(result.changes()).isEmpty();
    assertThat(db.footprint(user)).isEqualTo(before);
    assertThat(head.sha256()).isEqualTo(sha256("same"));
  }

  private static RestoreRequest restore(String user, String path, long rev, long quota) {
    return new RestoreRequest(new Caller(user, "tablet"), FilePath.of(path), rev, quota);
  }

  private static VersionList versions(String user, String path, int limit, OptionalLong before) {
    return db.client.versions(new VersionsRequest(user, FilePath.of(path), limit, before)).await();
  }

  private static ApiException versionsFail(String user, String path) {
    return failure(
        db.client.versions(new VersionsRequest(user, FilePath.of(path), 10, OptionalLong.empty())));
  }

  private static ApiException restoreFails(RestoreRequest request) {
    return failure(db.client.restore(request));
  }

  private static FileQuery head(String user, String path) {
    return new FileQuery(user, FilePath.of(path), OptionalLong.empty());
  }

  private static ApiException failure(Future<?> future) {
    return catchThrowableOfType(ApiException.class, future::await);
  }
}
