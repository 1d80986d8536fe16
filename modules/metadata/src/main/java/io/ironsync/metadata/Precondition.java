package io.ironsync.metadata;

/** A write precondition from {@code If-Match} or {@code If-None-Match}. */
public sealed interface Precondition {

  /** Write unconditionally. */
  record None() implements Precondition {}

  /**
   * Write only over this live revision; {@code etag} is unquoted, or {@code *} for "any live file".
   */
  record IfMatch(String etag) implements Precondition {}

  /** {@code If-None-Match: *}: create only; fail if a live file exists. */
  record IfNoneExists() implements Precondition {}

  Precondition NONE = new None();
}
