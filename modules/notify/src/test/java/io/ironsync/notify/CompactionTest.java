package io.ironsync.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.metadata.Change;
import io.ironsync.metadata.Change.Op;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompactionTest {

  private static long seq;

  private static Change put(String path) {
    seq++;
    return new Change(
        seq, Op.PUT, path, null, seq, 1L, "sha" + seq, "etag" + seq, "d", Instant.EPOCH, null);
  }

  private static Change delete(String path) {
    seq++;
    return new Change(seq, Op.DELETE, path, null, seq, null, null, null, "d", Instant.EPOCH, null);
  }

  private static Change move(String from, String to) {
    seq++;
    return new Change(
        seq, Op.MOVE, to, from, seq, 1L, "sha" + seq, "etag" + seq, "d", Instant.EPOCH, null);
  }

  /** What a device holds after applying the changes: path → sha256. */
  private static Map<String, String> apply(Map<String, String> state, List<Change> changes) {
    Map<String, String> files = new HashMap<>(state);
    for (Change change : changes) {
      switch (change.op()) {
        case PUT -> files.put(change.path(), change.sha256());
        case DELETE -> files.remove(change.path());
        case MOVE -> {
          files.remove(change.from());
          files.put(change.path(), change.sha256());
        }
      }
    }
    return files;
  }

  @Test
  void repeated_updates_of_one_path_keep_only_the_last() {
    List<Change> run = List.of(put("a"), put("b"), put("a"), put("a"));

    assertThat(Compaction.compact(run))
        .extracting(Change::seq)
        .containsExactly(run.get(1).seq(), run.get(3).seq());
  }

  @Test
  void a_move_stays_while_its_source_is_not_touched_again() {
    List<Change> run = List.of(put("a"), move("a", "b"), put("b"));

    List<Change> compacted = Compaction.compact(run);

    assertThat(compacted).extracting(Change::op).containsExactly(Op.MOVE, Op.PUT);
  }

  @Test
  void a_move_goes_when_both_its_paths_change_later() {
    List<Change> run = List.of(move("a", "b"), put("a"), delete("b"));

    assertThat(Compaction.compact(run)).extracting(Change::op).containsExactly(Op.PUT, Op.DELETE);
  }

  @Test
  void applying_the_compacted_run_gives_the_same_state_as_the_whole_run() {
    Map<String, String> before = Map.of("a", "old-a", "x", "old-x", "y", "old-y");
    List<List<Change>> runs =
        List.of(
            List.of(put("a"), delete("a"), put("a")),
            List.of(put("n"), move("n", "m"), put("n"), move("m", "a")),
            List.of(move("x", "z"), move("z", "x"), delete("y"), put("y")),
            List.of(delete("x"), move("a", "x"), put("a"), delete("a")));
    for (List<Change> run : runs) {
      assertThat(apply(before, Compaction.compact(run)))
          .as(run.toString())
          .isEqualTo(apply(before, run));
    }
  }
}
