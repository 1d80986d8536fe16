package io.ironsync.metadata;

import io.ironsync.domain.FileMeta;

/**
 * @param outcome what the commit did
 * @param meta the head after the commit (for {@link Outcome#UNCHANGED}: the existing head)
 * @param journalSeq the change-journal sequence number of this commit; 0 when unchanged
 */
public record CommitResult(Outcome outcome, FileMeta meta, long journalSeq) {

  public enum Outcome {
    /** A new file (no live head before). */
    CREATED,
    /** A new revision over a live head. */
    UPDATED,
    /** The content equals the live head: no new revision, no journal row; the blob is unused. */
    UNCHANGED
  }
}
