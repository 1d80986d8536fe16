package io.ironsync.upload.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.FileMeta;
import io.ironsync.domain.FilePath;
import io.ironsync.metadata.BatchCommitRequest.BatchItem;
import io.ironsync.metadata.BatchCommitResult;
import io.ironsync.metadata.BatchCommitResult.ItemResult;
import io.ironsync.metadata.Change;
import io.ironsync.metadata.CommitResult;
import io.ironsync.metadata.Precondition;
import io.ironsync.observability.impl.MicrometerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConflictsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final MicrometerMetrics metrics = new MicrometerMetrics(registry);

  private double conflicts(String kind) {
    return registry.get("ironsync.sync.conflicts").tag("kind", kind).counter().count();
  }

  private static FileMeta meta(String path, long rev) {
    return new FileMeta(path, rev, 3, "ab", rev + "-ab", Instant.EPOCH, "laptop");
  }

  private static BatchItem item(String path, Precondition precondition) {
    return new BatchItem(FilePath.of(path), null, 3, "ab", precondition);
  }

  @Test
  void a_commit_saved_as_a_copy_or_identical_to_a_head_it_did_not_name_is_a_conflict() {
    Conflicts.committed(
        metrics,
        new Precondition.IfMatch("1-ab"),
        new CommitResult(CommitResult.Outcome.CONFLICT_COPY, meta("a (conflict).txt", 1), 7));
    Conflicts.committed(
        metrics,
        new Precondition.IfMatch("1-ab"),
        new CommitResult(CommitResult.Outcome.UNCHANGED, meta("a.txt", 2), 0));
    // no conflict: identical to the head it named, unconditional, or any live file
    Conflicts.committed(
        metrics,
        new Precondition.IfMatch("2-ab"),
        new CommitResult(CommitResult.Outcome.UNCHANGED, meta("a.txt", 2), 0));
    Conflicts.committed(
        metrics,
        Precondition.NONE,
        new CommitResult(CommitResult.Outcome.UNCHANGED, meta("a.txt", 2), 0));
    Conflicts.committed(
        metrics,
        new Precondition.IfMatch("*"),
        new CommitResult(CommitResult.Outcome.UPDATED, meta("a.txt", 3), 8));

    assertThat(conflicts("copied")).isEqualTo(1);
    assertThat(conflicts("identical")).isEqualTo(1);
    assertThat(conflicts("rejected")).isZero();
  }

  @Test
  void only_a_failed_precondition_counts_as_a_rejected_conflict() {
    Conflicts.failed(metrics, ApiException.of(412, "precondition-failed", "Precondition", "x"));
    Conflicts.failed(metrics, ApiException.conflict("path-is-folder", "a folder"));
    Conflicts.failed(metrics, new IllegalStateException("database gone"));

    assertThat(conflicts("rejected")).isEqualTo(1);
  }

  @Test
  void each_file_of_a_batch_counts_alone() {
    List<BatchItem> items =
        List.of(
            item("stale.txt", new Precondition.IfMatch("1-ab")),
            item("same.txt", new Precondition.IfMatch("1-ab")),
            item("updated.txt", new Precondition.IfMatch("1-ab")),
            item("new.txt", new Precondition.IfNoneExists()));
    BatchCommitResult result =
        new BatchCommitResult(
            List.of(
                new ItemResult("stale.txt", 412, meta("stale.txt", 2), "precondition-failed", "x"),
                new ItemResult("same.txt", 200, meta("same.txt", 2), null, null),
                new ItemResult("updated.txt", 200, meta("updated.txt", 2), null, null),
                new ItemResult("new.txt", 201, meta("new.txt", 1), null, null)),
            List.of(
                Change.put(10, meta("updated.txt", 2), null),
                Change.put(11, meta("new.txt", 1), null)));

    Conflicts.batch(metrics, items, result);

    assertThat(conflicts("rejected")).isEqualTo(1);
    assertThat(conflicts("identical")).as("same.txt only: updated.txt was journaled").isEqualTo(1);
  }
}
