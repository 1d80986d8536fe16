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
  COPY;

  /**
   * The mode a client asks for with {@code onConflict}: {@code fail} (also when absent) or {@code
   * copy}; anything else is a 400.
   */
  public static ConflictMode fromParameter(String mode) {
    if (mode == null || mode.equals("fail")) {
      return FAIL;
    }
    if (mode.equals("copy")) {
      return COPY;
    }
    throw io.ironsync.domain.ApiException.badRequest(
        "invalid-on-conflict", "onConflict must be fail (the default) or copy, got '" + mode + "'");
  }
}
