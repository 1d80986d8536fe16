package io.ironsync.metadata;

import io.ironsync.domain.Caller;
import io.ironsync.domain.FilePath;

/**
 * Records a new revision of a file whose bytes are already durable under {@code blobKey}.
 *
 * <p>Content equal to the live head's is {@link CommitResult.Outcome#UNCHANGED} whatever the
 * precondition says: identical content is never a conflict. Otherwise a failing precondition fails
 * with 412, or, with {@link ConflictMode#COPY}, saves the content as a conflict copy.
 *
 * @param sha256 lowercase hex SHA-256 of the content
 * @param quotaBytes the most bytes the user may store, or 0 for no quota. Usage is the size of the
 *     current content of the user's live files; older revisions and deleted files do not count. A
 *     commit that would take usage above the quota fails with 507 {@code quota-exceeded}; one that
 *     keeps or lowers usage always succeeds, even when the user is already over.
 * @param onConflict what a failing precondition does; null means {@link ConflictMode#FAIL}
 */
public record CommitRequest(
    Caller caller,
    FilePath path,
    String blobKey,
    long size,
    String sha256,
    Precondition precondition,
    long quotaBytes,
    ConflictMode onConflict) {

  public CommitRequest {
    onConflict = onConflict == null ? ConflictMode.FAIL : onConflict;
  }

  /** A commit that fails with 412 when its precondition fails. */
  public CommitRequest(
      Caller caller,
      FilePath path,
      String blobKey,
      long size,
      String sha256,
      Precondition precondition,
      long quotaBytes) {
    this(caller, path, blobKey, size, sha256, precondition, quotaBytes, ConflictMode.FAIL);
  }

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

  /** The same commit with another conflict mode. */
  public CommitRequest withConflictMode(ConflictMode mode) {
    return new CommitRequest(caller, path, blobKey, size, sha256, precondition, quotaBytes, mode);
  }
}
