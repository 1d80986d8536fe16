package io.ironsync.metadata;

import io.ironsync.domain.Caller;
import io.ironsync.domain.FilePath;

/**
 * Records a new revision of a file whose bytes are already durable under {@code blobKey}.
 *
 * @param sha256 lowercase hex SHA-256 of the content
 * @param quotaBytes the most bytes the user may store, or 0 for no quota. Usage is the size of the
 *     current content of the user's live files; older revisions and deleted files do not count. A
 *     commit that would take usage above the quota fails with 507 {@code quota-exceeded}; one that
 *     keeps or lowers usage always succeeds, even when the user is already over.
 */
public record CommitRequest(
    Caller caller,
    FilePath path,
    String blobKey,
    long size,
    String sha256,
    Precondition precondition,
    long quotaBytes) {

  /** A commit that no quota limits. */
  public CommitRequest(
      Caller caller,
      FilePath path,
      String blobKey,
      long size,
      String sha256,
      Precondition precondition) {
    this(caller, path, blobKey, size, sha256, precondition, 0);
  }
}
