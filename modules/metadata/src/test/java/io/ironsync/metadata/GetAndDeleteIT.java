package io.ironsync.metadata;

import static io.ironsync.metadata.MetadataFixture.delete;
import static io.ironsync.metadata.MetadataFixture.newUser;
import static io.ironsync.metadata.MetadataFixture.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.Caller;
import io.ironsync.domain.FileMeta;
import io.ironsync.domain.FilePath;
import io.ironsync.testkit.BlockedThreadWatch;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith({VertxExtension.class, BlockedThreadWatch.class})
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GetAndDeleteIT {

  private static MetadataFixture db;

  @BeforeAll
  static void deploy(Vertx vertx) {
    db = MetadataFixture.deploy(vertx);
  }

  @Test
  void get_returns_the_live_head_with_the_storage_key_of_its_bytes() {
    String user = newUser();
    db.commit(put(user, "a/b.txt", "v1"));
    CommitRequest second = put(user, "a/b.txt", "v2");
    FileMeta head = db.commit(second).meta();

    StoredFile stored = db.client.get(head(user, "a/b.txt")).await();

    assertThat(stored.meta()).isEqualTo(head);
    assertThat(stored.blobKey()).isEqualTo(second.blobKey());
    assertThat(db.metrics.transactions()).contains("get:ok");
  }

  @Test
  void get_by_revision_returns_that_revision() {
    String user = newUser();
    CommitRequest first = put(user, "a.txt", "v1");
    FileMeta v1 = db.commit(first).meta();
    db.commit(put(user, "a.txt", "v2"));

    StoredFile stored = db.client.get(revision(user, "a.txt", 1)).await();

    assertThat(stored.meta()).isEqualTo(v1);
    assertThat(stored.blobKey()).isEqualTo(first.blobKey());
  }

  @Test
  void missing_files_folders_and_revisions_are_404() {
    String user = newUser();
    db.commit(put(user, "folder/a.txt", "v1"));

    assertThat(getFails(head(user, "nothing.txt")).status()).isEqualTo(404);
    assertThat(getFails(head(user, "folder")).status()).isEqualTo(404);
    assertThat(getFails(revision(user, "folder/a.txt", 2)).status()).isEqualTo(404);
    assertThat(getFails(revision(user, "folder/a.txt", 0)).status()).isEqualTo(400);
  }

  @Test
  void another_users_file_is_404_for_reads_and_deletes() {
    String owner = newUser();
    String stranger = newUser();
    db.commit(put(owner, "private.txt", "secret"));

    assertThat(getFails(head(stranger, "private.txt")).status()).isEqualTo(404);
    assertThat(getFails(revision(stranger, "private.txt", 1)).status()).isEqualTo(404);
    assertThat(deleteFails(delete(stranger, "private.txt")).status()).isEqualTo(404);
    assertThat(db.client.get(head(owner, "private.txt")).await().meta().rev()).isEqualTo(1);
  }

  @Test
  void delete_leaves_a_tombstone_revision_and_a_journal_row_and_keeps_the_old_version() {
    String user = newUser();
    FileMeta v1 = db.commit(put(user, "doomed.txt", "bytes")).meta();

    DeleteResult deleted = db.client.delete(delete(user, "doomed.txt")).await();

    assertThat(deleted.rev()).isEqualTo(2);
    assertThat(deleted.journalSeq()).isEqualTo(2);
    assertThat(
            db.rows(
                "select rev, deleted, blob_id is null as no_blob, device_id from versions"
                    + " where user_id = '"
                    + user
                    + "' order by rev"))
        .containsExactly(
            Map.of("rev", 1L, "deleted", false, "no_blob", false, "device_id", "laptop"),
            Map.of("rev", 2L, "deleted", true, "no_blob", true, "device_id", "phone"));
    assertThat(
            db.rows(
                "select kind, rev, deleted, blob_id is null as no_blob from files"
                    + " where user_id = '"
                    + user
                    + "'"))
        .containsExactly(Map.of("kind", "file", "rev", 2L, "deleted", true, "no_blob", true));
    assertThat(
            db.rows(
                "select seq, op, path, rev, etag from journal where user_id = '"
                    + user
                    + "' and seq = 2"))
        .containsExactly(
            mapWithNullEtag(Map.of("seq", 2L, "op", "delete", "path", "doomed.txt", "rev", 2L)));
    assertThat(db.footprint(user)).containsEntry("blobs", 1L).containsEntry("seq", 2L);

    assertThat(getFails(head(user, "doomed.txt")).status()).isEqualTo(404);
    assertThat(getFails(revision(user, "doomed.txt", 2)).status()).isEqualTo(404);
    assertThat(db.client.get(revision(user, "doomed.txt", 1)).await().meta()).isEqualTo(v1);
    assertThat(deleteFails(delete(user, "doomed.txt")).status()).isEqualTo(404);
    assertThat(db.footprint(user)).containsEntry("seq", 2L);
  }

  @Test
  void delete_honours_if_match() {
    String user = newUser();
    FileMeta v1 = db.commit(put(user, "a.txt", "v1")).meta();
    FileMeta v2 = db.commit(put(user, "a.txt", "v2")).meta();

    ApiException stale = deleteFails(ifMatch(user, "a.txt", v1.etag()));
    DeleteResult current = db.client.delete(ifMatch(user, "a.txt", v2.etag())).await();

    assertThat(stale.status()).isEqualTo(412);
    assertThat(stale.extensions().getJsonObject("current").getString("etag")).isEqualTo(v2.etag());
    assertThat(current.rev()).isEqualTo(3);
    assertThat(deleteFails(ifMatch(user, "a.txt", "*")).status()).isEqualTo(412);
  }

  @Test
  void a_folder_cannot_be_deleted() {
    String user = newUser();
    db.commit(put(user, "folder/a.txt", "v1"));

    ApiException failure = deleteFails(delete(user, "folder"));

    assertThat(failure.status()).isEqualTo(409);
    assertThat(failure.key()).isEqualTo("path-is-folder");
    assertThat(db.footprint(user)).containsEntry("seq", 1L);
  }

  private static FileQuery head(String user, String path) {
    return new FileQuery(user, FilePath.of(path), OptionalLong.empty());
  }

  private static FileQuery revision(String user, String path, long rev) {
    return new FileQuery(user, FilePath.of(path), OptionalLong.of(rev));
  }

  private static DeleteRequest ifMatch(String user, String path, String etag) {
    return new DeleteRequest(
        new Caller(user, "phone"), FilePath.of(path), new Precondition.IfMatch(etag));
  }

  private static ApiException getFails(FileQuery query) {
    return failureOf(db.client.get(query));
  }

  private static ApiException deleteFails(DeleteRequest request) {
    return failureOf(db.client.delete(request));
  }

  private static ApiException failureOf(Future<?> future) {
    return catchThrowableOfType(ApiException.class, future::await);
  }

  private static Map<String, Object> mapWithNullEtag(Map<String, Object> values) {
    Map<String, Object> map = new HashMap<>(values);
    map.put("etag", null);
    return map;
  }
}
