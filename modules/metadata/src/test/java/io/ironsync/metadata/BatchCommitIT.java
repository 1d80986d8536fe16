package io.ironsync.metadata;

import static io.ironsync.metadata.MetadataFixture.batch;
import static io.ironsync.metadata.MetadataFixture.item;
import static io.ironsync.metadata.MetadataFixture.newUser;
import static io.ironsync.metadata.MetadataFixture.put;
import static io.ironsync.metadata.MetadataFixture.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.Caller;
import io.ironsync.domain.FileMeta;
import io.ironsync.domain.FilePath;
import io.ironsync.metadata.BatchCommitRequest.BatchItem;
import io.ironsync.metadata.BatchCommitResult.ItemResult;
import io.ironsync.testkit.BlockedThreadWatch;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith({VertxExtension.class, BlockedThreadWatch.class})
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BatchCommitIT {

  private static final List<String> heard = Collections.synchronizedList(new ArrayList<>());
  private static MetadataFixture db;

  @BeforeAll
  static void deploy(Vertx vertx) {
    db = MetadataFixture.deploy(vertx, 1, MetadataFixture.describingInto(heard));
  }

  @Test
  void a_failing_item_fails_alone_and_the_others_commit_with_consecutive_seqs() {
    String user = newUser();
    FileMeta stale = db.commit(put(user, "b.txt", "b1")).meta();
    db.commit(put(user, "b.txt", "b2"));
    db.commit(put(user, "e.txt", "e1"));

    BatchCommitResult result =
        commitBatch(
            batch(
                user,
                List.of(
                    item("a.txt", "a"),
                    item("b.txt", "b3", new Precondition.IfMatch(stale.etag())),
                    item("c/d.txt", "d"),
                    item("e.txt", "e2"))));

    assertThat(result.items())
        .extracting(ItemResult::path, ItemResult::status, ItemResult::problemKey)
        .containsExactly(
            tuple("a.txt", 201, null),
            tuple("b.txt", 412, "precondition-failed"),
            tuple("c/d.txt", 201, null),
            tuple("e.txt", 200, null));
    assertThat(result.items().get(1).meta().rev()).isEqualTo(2);
    assertThat(result.items().get(3).meta().rev()).isEqualTo(2);
    assertThat(result.changes())
        .extracting(change -> change.seq() + " " + change.path())
        .containsExactly("4 a.txt", "5 c/d.txt", "6 e.txt");
    assertThat(db.rows("select seq, path from journal where user_id = '" + user + "' and seq > 3"))
        .containsExactlyInAnyOrder(
            Map.of("seq", 4L, "path", "a.txt"),
            Map.of("seq", 5L, "path", "c/d.txt"),
            Map.of("seq", 6L, "path", "e.txt"));
    assertThat(db.footprint(user)).containsEntry("seq", 6L).containsEntry("blobs", 6L);
    assertThat(db.client.get(head(user, "c/d.txt")).await().meta())
        .isEqualTo(result.items().get(2).meta());
    assertThat(db.client.get(head(user, "b.txt")).await().meta().sha256()).isEqualTo(sha256("b2"));
    assertThat(db.usedBytes(user)).isEqualTo(1 + 2 + 1 + 2);
    assertThat(heard.stream().filter(line -> line.startsWith(user + " ")))
        .endsWith(user + " 4 PUT a.txt", user + " 5 PUT c/d.txt", user + " 6 PUT e.txt");
  }

  @Test
  void the_quota_is_checked_item_after_item() {
    String user = newUser();
    String hundred = "x".repeat(100);

    BatchCommitResult result =
        commitBatch(
            new BatchCommitRequest(
                new Caller(user, "laptop"),
                List.of(
                    item("1", hundred + "1"),
                    item("2", hundred + "2"),
                    item("3", hundred + hundred + "3"),
                    item("4", "small")),
                350));

    assertThat(result.items()).extracting(ItemResult::status).containsExactly(201, 201, 507, 201);
    assertThat(result.items().get(2).problemKey()).isEqualTo("quota-exceeded");
    assertThat(db.usedBytes(user)).isEqualTo(101 + 101 + 5);
  }

  @Test
  void an_item_without_a_blob_key_reuses_content_the_user_already_stores() {
    String owner = newUser();
    String stranger = newUser();
    db.commit(put(owner, "original.txt", "shared words"));
    db.commit(put(stranger, "theirs.txt", "stranger's words"));
    long blobs = db.footprint(owner).get("blobs");

    BatchCommitResult result =
        commitBatch(
            batch(
                owner,
                List.of(
                    reuse("copy.txt", "shared words"),
                    reuse("unknown.txt", "never uploaded"),
                    reuse("stolen.txt", "stranger's words"))));

    assertThat(result.items())
        .extracting(ItemResult::status, ItemResult::problemKey)
        .containsExactly(
            tuple(201, null), tuple(404, "unknown-content"), tuple(404, "unknown-content"));
    assertThat(db.footprint(owner).get("blobs")).isEqualTo(blobs);
    assertThat(db.client.get(head(owner, "copy.txt")).await().blobKey())
        .isEqualTo(db.client.get(head(owner, "original.txt")).await().blobKey());
    assertThat(db.usedBytes(owner)).isEqualTo(2L * "shared words".length());
  }

  @Test
  void duplicates_malformed_items_and_conflicts_within_the_batch_fail_alone() {
    String user = newUser();

    BatchCommitResult result =
        commitBatch(
            batch(
                user,
                List.of(
                    item("a", "a file"),
                    item("a/b.txt", "below the file"),
                    item("dir/x.txt", "x"),
                    item("dir", "over the folder"),
                    item("dup.txt", "one"),
                    item("dup.txt", "two"),
                    new BatchItem(FilePath.of("bad.txt"), "k", 1, "not hex", Precondition.NONE),
                    item("same.txt", "same"),
                    item("same.txt", "same"))));

    assertThat(result.items())
        .extracting(ItemResult::path, ItemResult::status, ItemResult::problemKey)
        .containsExactly(
            tuple("a", 201, null),
            tuple("a/b.txt", 409, "parent-is-file"),
            tuple("dir/x.txt", 201, null),
            tuple("dir", 409, "path-is-folder"),
            tuple("dup.txt", 201, null),
            tuple("dup.txt", 400, "duplicate-path"),
            tuple("bad.txt", 400, "invalid-sha256"),
            tuple("same.txt", 201, null),
            tuple("same.txt", 400, "duplicate-path"));
    assertThat(result.changes()).extracting(Change::seq).containsExactly(1L, 2L, 3L, 4L);
    assertThat(db.client.get(head(user, "dup.txt")).await().meta().sha256())
        .isEqualTo(sha256("one"));
  }

  @Test
  void a_batch_where_nothing_commits_writes_nothing_and_takes_no_seq() {
    String user = newUser();
    FileMeta head = db.commit(put(user, "a.txt", "a")).meta();
    Map<String, Long> before = db.footprint(user);

    BatchCommitResult result =
        commitBatch(
            batch(
                user,
                List.of(
                    item("a.txt", "a"),
                    item("b.txt", "b", new Precondition.IfMatch("*")),
                    reuse("c.txt", "unknown"))));

    assertThat(result.items()).extracting(ItemResult::status).containsExactly(200, 412, 404);
    assertThat(result.items().get(0).meta()).isEqualTo(head);
    assertThat(result.changes()).isEmpty();
    assertThat(db.footprint(user)).isEqualTo(before);
    assertThat(db.commit(put(user, "next.txt", "n")).journalSeq()).isEqualTo(2);
  }

  @Test
  void a_batch_over_the_item_limit_is_refused_whole() {
    String user = newUser();
    List<BatchItem> items =
        IntStream.rangeClosed(0, BatchCommitRequest.MAX_ITEMS)
            .mapToObj(i -> item("f" + i, "c" + i))
            .toList();

    ApiException failure =
        catchThrowableOfType(
            ApiException.class, () -> db.client.commitBatch(batch(user, items)).await());

    assertThat(failure.status()).isEqualTo(400);
    assertThat(failure.key()).isEqualTo("batch-too-large");
    assertThat(db.footprint(user)).containsEntry("seq", 0L);
  }

  @Test
  void a_thousand_items_commit_in_one_call() {
    String user = newUser();
    List<BatchItem> items =
        IntStream.range(0, BatchCommitRequest.MAX_ITEMS)
            .mapToObj(i -> item("many/" + (i % 10) + "/" + i, "c" + i))
            .toList();

    BatchCommitResult result = commitBatch(batch(user, items));

    assertThat(result.items()).allMatch(item -> item.status() == 201);
    assertThat(db.footprint(user))
        .containsEntry("seq", 1000L)
        .containsEntry("journal", 1000L)
        .containsEntry("versions", 1000L)
        .containsEntry("files", 1011L);
  }

  private static BatchItem reuse(String path, String content) {
    return new BatchItem(
        FilePath.of(path), null, content.length(), sha256(content), Precondition.NONE);
  }

  private static BatchCommitResult commitBatch(BatchCommitRequest request) {
    return db.client.commitBatch(request).await();
  }

  private static FileQuery head(String user, String path) {
    return new FileQuery(user, FilePath.of(path), OptionalLong.empty());
  }
}
