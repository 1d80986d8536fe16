package io.ironsync.metadata;

import static io.ironsync.metadata.MetadataFixture.batch;
import static io.ironsync.metadata.MetadataFixture.delete;
import static io.ironsync.metadata.MetadataFixture.item;
import static io.ironsync.metadata.MetadataFixture.newUser;
import static io.ironsync.metadata.MetadataFixture.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.Caller;
import io.ironsync.domain.FileMeta;
import io.ironsync.domain.FilePath;
import io.ironsync.testkit.BlockedThreadWatch;
import io.ironsync.testkit.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Moves of files and folders. The verticle talks to PostgreSQL through a proxy that counts
 * statements, so a test can tell that a folder move does not cost a round trip per file.
 */
@ExtendWith({VertxExtension.class, BlockedThreadWatch.class})
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MoveIT {

  private static final List<String> heard = Collections.synchronizedList(new ArrayList<>());
  private static StatementCountingProxy proxy;
  private static MetadataFixture db;

  @BeforeAll
  static void deploy(Vertx vertx) throws IOException {
    proxy = StatementCountingProxy.to(TestPostgres.shared().port());
    db = MetadataFixture.deploy(vertx, 1, MetadataFixture.describingInto(heard), proxy::route);
  }

  @AfterAll
  static void closeProxy() throws IOException {
    proxy.close();
  }

  @Test
  void a_moved_file_gets_a_new_revision_at_the_target_sharing_its_bytes_and_leaves_a_tombstone() {
    String user = newUser();
    db.commit(put(user, "a/x.txt", "v1"));
    CommitRequest second = put(user, "a/x.txt", "v2");
    FileMeta source = db.commit(second).meta();
    // a file that was at the target once: the moved file continues its revisions
    db.commit(put(user, "b/y.txt", "old"));
    db.client.delete(delete(user, "b/y.txt")).await();
    Map<String, Long> before = db.footprint(user);

    MoveResult result = move(user, "a/x.txt", "b/y.txt", new Precondition.IfMatch(source.etag()));

    Change moved = result.changes().get(0);
    assertThat(result.changes()).hasSize(1);
    assertThat(moved.op()).isEqualTo(Change.Op.MOVE);
    assertThat(moved.from()).isEqualTo("a/x.txt");
    assertThat(moved.path()).isEqualTo("b/y.txt");
    assertThat(moved.rev()).isEqualTo(3);
    assertThat(moved.seq()).isEqualTo(5);
    assertThat(moved.sha256()).isEqualTo(source.sha256());
    assertThat(moved.etag()).startsWith("3-");
    StoredFile target = db.client.get(head(user, "b/y.txt")).await();
    assertThat(target.blobKey()).isEqualTo(second.blobKey());
    assertThat(target.meta().rev()).isEqualTo(3);
    assertThat(target.meta().etag()).isEqualTo(moved.etag());
    assertThat(failure(db.client.get(head(user, "a/x.txt"))).status()).isEqualTo(404);
    assertThat(
            db.rows(
                "select rev, deleted from files where user_id = '"
                    + user
                    + "' and path = 'a/x.txt'"))
        .containsExactly(Map.of("rev", 3L, "deleted", true));
    assertThat(
            db.rows(
                "select path, rev, deleted from versions where user_id = '"
                    + user
                    + "' and rev = 3 order by path"))
        .containsExactly(
            Map.of("path", "a/x.txt", "rev", 3L, "deleted", true),
            Map.of("path", "b/y.txt", "rev", 3L, "deleted", false));
    assertThat(
            db.rows(
                "select seq, op, path, from_path, rev from journal where user_id = '"
                    + user
                    + "' and seq = 5"))
        .containsExactly(
            Map.of("seq", 5L, "op", "move", "path", "b/y.txt", "from_path", "a/x.txt", "rev", 3L));
    // no new bytes: same blob rows, same usage
    assertThat(db.footprint(user))
        .containsEntry("blobs", before.get("blobs"))
        .containsEntry("usedBytes", before.get("usedBytes"))
        .containsEntry("seq", 5L);
    assertThat(heard).contains(user + " 5 MOVE a/x.txt -> b/y.txt");
  }

  @Test
  void a_folder_of_300_files_moves_in_one_transaction_with_as_many_statements_as_a_small_one() {
    String user = newUser();
    List<BatchCommitRequest.BatchItem> items = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      items.add(
          item(String.format("photos/%s/%03d.jpg", i % 3 == 0 ? "2023" : "2024", i), "p" + i));
    }
    db.client.commitBatch(batch(user, items)).await();
    db.client.delete(delete(user, "photos/2023/000.jpg")).await();
    db.commit(put(user, "small/a.txt", "a"));
    db.commit(put(user, "small/b/c.txt", "c"));
    long used = db.usedBytes(user);
    long blobs = db.footprint(user).get("blobs");

    long beforeSmall = proxy.statements();
    move(user, "small", "small-moved", Precondition.NONE);
    long smallMove = proxy.statements() - beforeSmall;
    long beforeLarge = proxy.statements();
    MoveResult result = move(user, "photos", "archive/photos", Precondition.NONE);
    long largeMove = proxy.statements() - beforeLarge;

    // begin, journal seq, read, target heads, write, commit
    assertThat(largeMove).isEqualTo(smallMove).isLessThanOrEqualTo(6);
    assertThat(result.changes()).hasSize(299);
    long first = result.changes().get(0).seq();
    assertThat(result.changes())
        .extracting(Change::seq)
        .containsExactlyElementsOf(LongStream.range(first, first + 299).boxed().toList());
    assertThat(result.changes()).allMatch(change -> change.op() == Change.Op.MOVE);
    assertThat(result.changes())
        .allMatch(change -> change.path().equals("archive/" + change.from()));
    assertThat(
            db.rows(
                "select seq from journal where user_id = '"
                    + user
                    + "' and op = 'move' and from_path like 'photos/%' order by seq"))
        .extracting(row -> (Long) row.get("seq"))
        .containsExactlyElementsOf(LongStream.range(first, first + 299).boxed().toList());
    assertThat(db.footprint(user).get("seq")).isEqualTo(first + 298);
    assertThat(
            db.count(
                "select count(*) from files where user_id = '"
                    + user
                    + "' and path like 'archive/photos/%' and kind = 'file' and not deleted"))
        .isEqualTo(299);
    assertThat(
            db.count(
                "select count(*) from files where user_id = '"
                    + user
                    + "' and path like 'photos/%' and kind = 'file' and deleted"))
        .isEqualTo(300);
    assertThat(db.client.get(head(user, "archive/photos/2024/299.jpg")).await().meta().sha256())
        .isEqualTo(MetadataFixture.sha256("p299"));
    assertThat(failure(db.client.list(listing(user, "photos"))).status()).isEqualTo(404);
    assertThat(failure(db.client.list(listing(user, "photos/2024"))).status()).isEqualTo(404);
    assertThat(db.client.list(listing(user, "archive/photos")).await().entries())
        .extracting(FolderListing.Entry::path)
        .containsExactly("archive/photos/2023", "archive/photos/2024");
    assertThat(db.usedBytes(user)).isEqualTo(used);
    assertThat(db.footprint(user).get("blobs")).isEqualTo(blobs);
    assertThat(
            heard.stream()
                .filter(line -> line.startsWith(user + " ") && line.contains(" MOVE photos/")))
        .hasSize(299);
  }

  @Test
  void moving_an_empty_folder_journals_nothing_and_takes_no_seq() {
    String user = newUser();
    db.commit(put(user, "keep/gone.txt", "x"));
    db.client.delete(delete(user, "keep/gone.txt")).await();

    MoveResult result = move(user, "keep", "kept", Precondition.NONE);

    assertThat(result.changes()).isEmpty();
    assertThat(db.footprint(user).get("seq")).isEqualTo(2);
    assertThat(db.client.list(listing(user, "kept")).await().entries()).isEmpty();
    assertThat(failure(db.client.list(listing(user, "keep"))).status()).isEqualTo(404);
    assertThat(db.commit(put(user, "next.txt", "n")).journalSeq()).isEqualTo(3);
  }

  @Test
  void a_folder_that_was_a_file_once_keeps_its_revisions_after_moving_away() {
    String user = newUser();
    db.commit(put(user, "x", "a file first"));
    db.client.delete(delete(user, "x")).await();
    db.commit(put(user, "x/y.txt", "then a folder"));

    move(user, "x", "z", Precondition.NONE);
    CommitResult again = db.commit(put(user, "x", "a file again"));

    assertThat(again.meta().rev()).isEqualTo(3);
    assertThat(
            db.client
                .versions(new VersionsRequest(user, FilePath.of("x"), 10, OptionalLong.empty()))
                .await()
                .versions())
        .extracting(VersionList.Version::rev, VersionList.Version::deleted)
        .containsExactly(tuple(3L, false), tuple(2L, true), tuple(1L, false));
    assertThat(db.client.get(head(user, "z/y.txt")).await().meta().rev()).isEqualTo(1);
    assertThat(failure(db.client.get(head(user, "x/y.txt"))).status()).isEqualTo(404);
  }

  @Test
  void move_errors_change_nothing() {
    String user = newUser();
    FileMeta v1 = db.commit(put(user, "dir/a.txt", "v1")).meta();
    db.commit(put(user, "dir/a.txt", "v2"));
    db.commit(put(user, "other/b.txt", "b"));
    db.commit(put(user, "file", "f"));
    Map<String, Long> before = db.footprint(user);

    assertThat(moveFails(user, "nothing", "elsewhere", Precondition.NONE))
        .extracting(ApiException::status, ApiException::key)
        .containsExactly(404, "not-found");
    assertThat(moveFails(user, "dir", "dir", Precondition.NONE))
        .extracting(ApiException::status, ApiException::key)
        .containsExactly(400, "same-path");
    assertThat(moveFails(user, "dir", "dir/inside", Precondition.NONE))
        .extracting(ApiException::status, ApiException::key)
        .containsExactly(409, "move-into-self");
    assertThat(moveFails(user, "dir", "other", Precondition.NONE))
        .extracting(ApiException::status, ApiException::key)
        .containsExactly(409, "target-exists");
    assertThat(moveFails(user, "dir/a.txt", "other/b.txt", Precondition.NONE))
        .extracting(ApiException::status, ApiException::key)
        .containsExactly(409, "target-exists");
    assertThat(moveFails(user, "dir/a.txt", "file/a.txt", Precondition.NONE))
        .extracting(ApiException::status, ApiException::key)
        .containsExactly(409, "parent-is-file");
    assertThat(moveFails(user, "dir/a.txt", "c.txt", new Precondition.IfMatch(v1.etag())))
        .extracting(ApiException::status, ApiException::key)
        .containsExactly(412, "precondition-failed");
    assertThat(moveFails(user, "dir", "dir2", new Precondition.IfMatch("*")).status())
        .isEqualTo(412);
    assertThat(moveFails(user, "dir", "dir2", new Precondition.IfNoneExists()).status())
        .isEqualTo(400);
    assertThat(db.footprint(user)).isEqualTo(before);
    assertThat(db.metrics.transactions()).contains("move:rejected");
  }

  @Test
  void a_folder_with_more_files_than_a_move_may_take_is_refused() {
    String user = newUser();
    for (int start = 0; start <= MoveRequest.MAX_FILES; start += BatchCommitRequest.MAX_ITEMS) {
      List<BatchCommitRequest.BatchItem> items = new ArrayList<>();
      for (int i = start;
          i < Math.min(start + BatchCommitRequest.MAX_ITEMS, MoveRequest.MAX_FILES + 1);
          i++) {
        items.add(item("big/" + i, "content " + i));
      }
      db.client.commitBatch(batch(user, items)).await();
    }
    Map<String, Long> before = db.footprint(user);

    ApiException failure = moveFails(user, "big", "bigger", Precondition.NONE);

    assertThat(failure.status()).isEqualTo(400);
    assertThat(failure.key()).isEqualTo("move-too-large");
    assertThat(db.footprint(user)).isEqualTo(before);
  }

  private static MoveResult move(String user, String from, String to, Precondition precondition) {
    return db.client.move(request(user, from, to, precondition)).await();
  }

  private static ApiException moveFails(
      String user, String from, String to, Precondition precondition) {
    return failure(db.client.move(request(user, from, to, precondition)));
  }

  private static MoveRequest request(
      String user, String from, String to, Precondition precondition) {
    return new MoveRequest(
        new Caller(user, "desktop"), FilePath.of(from), FilePath.of(to), precondition);
  }

  private static FileQuery head(String user, String path) {
    return new FileQuery(user, FilePath.of(path), OptionalLong.empty());
  }

  private static ListRequest listing(String user, String folder) {
    return new ListRequest(user, FilePath.of(folder), 100, Optional.empty(), ListOrder.NAME);
  }

  private static ApiException failure(io.vertx.core.Future<?> future) {
    return catchThrowableOfType(ApiException.class, future::await);
  }
}
