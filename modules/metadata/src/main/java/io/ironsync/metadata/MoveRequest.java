package io.ironsync.metadata;

import io.ironsync.domain.Caller;
import io.ironsync.domain.FilePath;

/**
 * Moves a file, or a folder with everything below it, to a path that is free, in one transaction.
 * Each moved file gets a new revision at its new path, sharing the stored bytes; its old path keeps
 * a tombstone. Storage usage does not change.
 *
 * @param precondition for a file, {@code If-Match} on it; a folder move takes {@link
 *     Precondition#NONE} only (an {@code If-Match} on a folder fails with 412)
 */
public record MoveRequest(Caller caller, FilePath from, FilePath to, Precondition precondition) {

  /**
   * The most files one folder move takes (400 {@code move-too-large} above): the move is one
   * transaction that holds the user's writes while it runs.
   */
  public static final int MAX_FILES = 10_000;
}
