package io.ironsync.metadata;

import io.ironsync.domain.FileMeta;
import java.util.List;

/**
 * @param outcome what the commit did
 * @param meta the head after the commit (for {@link Outcome#UNCHANGED}: the existing head; for
 *     {@link Outcome#CONFLICT_COPY}: the copy)
 * @param journalSeq the change-journal sequence number of this commit; 0 when unchanged
 * @param changes what the commit journaled: one put, or nothing when unchanged
 */
public record CommitResult(Outcome outcome, FileMeta meta, long journalSeq, List<Change> changes) {

  public CommitResult {
    changes = List.copyOf(changes);
  }

  /** A result whose change is the plain put of {@code meta} (none when unchanged). */
  public CommitResult(Outcome outcome, FileMeta meta, long journalSeq) {
    this(
        outcome,
        meta,
        journalSeq,
        outcome == Outcome.UNCHANGED ? List.of() : List.of(Change.put(journalSeq, meta, null)));
  }

  public enum Outcome {
    /** A new file (no live head before). */
    CREATED,
    /** A new revision over a live head. */
    UPDATED,
    /** The content equals the live head: no new revision, no journal row; the blob is unused. */
    UNCHANGED,
    /**
     * The precondition failed and the request asked for {@link ConflictMode#COPY}: the content is a
     * new file next to the original, which is untouched.
     */
    CONFLICT_COPY
  }
}
