package io.ironsync.metadata;

import static io.ironsync.metadata.MetadataFixture.delete;
import static io.ironsync.metadata.MetadataFixture.newUser;
import static io.ironsync.metadata.MetadataFixture.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ironsync.domain.ApiException;
import io.ironsync.testkit.BlockedThreadWatch;
import io.ironsync.testkit.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith({VertxExtension.class, BlockedThreadWatch.class})
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JournalIT {

  private static final List<String> heard = Collections.synchronizedList(new ArrayList<>());
  private static MetadataFixture db;

  @BeforeAll
  static void deploy(Vertx vertx) {
    db = MetadataFixture.deploy(vertx, 1, MetadataFixture.describingInto(heard));
  }

  @Test
  void the_journal_reads_in_seq_order_with_puts_and_deletes() {
    String user = newUser();
    db.commit(put(user, "a.txt", "one"));
    db.commit(put(user, "b/c.txt", "two"));
    db.client.delete(delete(user, "a.txt")).await();

    ChangesPage page = db.client.changes(new ChangesRequest(user, 0, 10)).await();

    assertThat(page.changes())
        .extracting(c -> c.seq() + " " + c.op() + " " + c.path())
        .containsExactly("1 PUT a.txt", "2 PUT b/c.txt", "3 DELETE a.txt");
    Change put = page.changes().get(1);
    assertThat(put.sha256()).isEqualTo(MetadataFixture.sha256("two"));
    assertThat(put.size()).isEqualTo(3);
    assertThat(put.etag()).startsWith("1-");
    assertThat(put.deviceId()).isEqualTo("laptop");
    Change deleted = page.changes().get(2);
    assertThat(deleted.rev()).isEqualTo(2);
    assertThat(deleted.size()).isNull();
    assertThat(deleted.deviceId()).isEqualTo("phone");
    assertThat(page.headSeq()).isEqualTo(3);
    assertThat(page.hasMore(0)).isFalse();
  }

  @Test
  void pages_continue_after_the_last_seq_read() {
    String user = newUser();
    for (int i = 0; i < 5; i++) {
      db.commit(put(user, "f" + i, "content " + i));
    }

    ChangesPage first = db.client.changes(new ChangesRequest(user, 0, 2)).await();
    ChangesPage second = db.client.changes(new ChangesRequest(user, first.lastSeq(0), 2)).await();
    ChangesPage head = db.client.changes(new ChangesRequest(user, 5, 0)).await();

    assertThat(first.changes()).extracting(Change::seq).containsExactly(1L, 2L);
    assertThat(first.hasMore(0)).isTrue();
    assertThat(second.changes()).extracting(Change::seq).containsExactly(3L, 4L);
    assertThat(head.changes()).isEmpty();
    assertThat(head.headSeq()).isEqualTo(5);
    assertThat(head.hasMore(5)).isFalse();
  }

  @Test
  void a_position_below_the_pruned_floor_is_gone_with_a_reset_hint() {
    String user = newUser();
    for (int i = 0; i < 3; i++) {
      db.commit(put(user, "f" + i, "content " + i));
    }
    TestPostgres.execute(
        db.pgUrl,
        "delete from journal where user_id = '"
            + user
            + "' and seq <= 2;"
            + " update users set journal_floor = 2 where id = '"
            + user
            + "'");

    ApiException gone =
        catchThrowableOfType(
            ApiException.class, () -> db.client.changes(new ChangesRequest(user, 1, 10)).await());
    ChangesPage fromFloor = db.client.changes(new ChangesRequest(user, 2, 10)).await();

    assertThat(gone.status()).isEqualTo(410);
    assertThat(gone.key()).isEqualTo("cursor-expired");
    assertThat(gone.extensions().getBoolean("reset")).isTrue();
    assertThat(fromFloor.changes()).extracting(Change::seq).containsExactly(3L);
  }

  @Test
  void a_position_ahead_of_the_journal_is_gone_and_other_users_read_nothing() {
    String owner = newUser();
    String stranger = newUser();
    db.commit(put(owner, "private.txt", "secret"));

    ApiException ahead =
        catchThrowableOfType(
            ApiException.class,
            () -> db.client.changes(new ChangesRequest(stranger, 1, 10)).await());
    ChangesPage strangers = db.client.changes(new ChangesRequest(stranger, 0, 10)).await();

    assertThat(ahead.status()).isEqualTo(410);
    assertThat(strangers.changes()).isEmpty();
    assertThat(strangers.headSeq()).isZero();
  }

  @Test
  void the_snapshot_lists_live_files_in_path_order_with_their_seq() {
    String user = newUser();
    db.commit(put(user, "b.txt", "b"));
    db.commit(put(user, "a/x.txt", "x"));
    db.commit(put(user, "c.txt", "c"));
    db.client.delete(delete(user, "c.txt")).await();
    db.commit(put(user, "b.txt", "b2"));

    SnapshotPage first = db.client.snapshot(new SnapshotRequest(user, "", 1)).await();
    SnapshotPage rest = db.client.snapshot(new SnapshotRequest(user, "a/x.txt", 10)).await();

    assertThat(first.files()).extracting(Change::path).containsExactly("a/x.txt");
    assertThat(first.files().get(0).seq()).isEqualTo(2);
    assertThat(first.hasMore()).isTrue();
    assertThat(first.headSeq()).isEqualTo(5);
    assertThat(rest.files()).extracting(c -> c.path() + "@" + c.seq()).containsExactly("b.txt@5");
    assertThat(rest.files().get(0).rev()).isEqualTo(2);
    assertThat(rest.hasMore()).isFalse();
  }

  @Test
  void the_listener_hears_each_committed_change_but_not_unchanged_content() {
    String user = newUser();
    db.commit(put(user, "a.txt", "one"));
    db.commit(put(user, "a.txt", "one"));
    db.client.delete(delete(user, "a.txt")).await();

    assertThat(heard.stream().filter(line -> line.startsWith(user + " ")))
        .containsExactly(user + " 1 PUT a.txt", user + " 2 DELETE a.txt");
  }
}
