package io.ironsync.metadata.impl;

import io.ironsync.domain.ApiException;
import io.ironsync.metadata.CommitRequest;

/** A commit against the user's storage quota ({@link CommitRequest#quotaBytes()}). */
final class Quotas {

  private Quotas() {}

  /**
   * @param usedBytes the user's usage before the commit, read under the user's row lock so that no
   *     concurrent write of the same user can change it before this one commits
   * @param delta what the commit adds to usage: its size minus that of the live file it replaces
   * @throws ApiException 507 when the commit would take usage above a quota
   */
  static void check(CommitRequest request, long usedBytes, long delta) {
    long quota = request.quotaBytes();
    // Only growth is refused: a user over quota (the quota was lowered, or the backfill found them
    // above it) must still be able to replace files with smaller ones on the way back under.
    // Written as a subtraction so that no sum can overflow.
    if (quota == 0 || delta <= 0 || delta <= quota - usedBytes) {
      return;
    }
    throw ApiException.insufficientStorage(
        "storing '"
            + request.path()
            + "' ("
            + request.size()
            + " bytes) adds "
            + delta
            + " bytes to the "
            + usedBytes
            + " bytes in use, above the quota of "
            + quota
            + " bytes");
  }
}
