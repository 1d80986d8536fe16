package io.ironsync.metadata;

/** What a commit does when its precondition fails over content that differs from the head. */
public enum ConflictMode {
  /** Fail with 412 and the current metadata; nothing is written. */
  FAIL,
  /**
   * Keep both: commit the content as a new file next to the original, named {@code <stem> (conflict
   * <device> <yyyy-MM-dd HHmmss> UTC)<.ext>}, and journal it as a put that names the original in
   * {@link Change#conflictOf()}.
   */
  COPY
}
