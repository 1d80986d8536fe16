package io.ironsync.metadata.impl;

import io.ironsync.domain.ApiException;

/** A write against the user's storage quota ({@link io.ironsync.metadata.CommitRequest}). */
final class Quotas {

  private Quotas() {}

  /**
   * @param quota the most bytes the user may store; 0 for no quota
   * @param usedBytes the user's usage before the write, read under the user's row lock so that no
   *     concurrent write of the same user can change it before this one commits
   * @param delta what the write adds to usage: its size minus that of the live file it replaces
   * @return the 507 to fail with, or null when the quota allows the write
   */
  static ApiException failure(long quota, String path, long size, long usedBytes, long delta) {
    // Only growth is refused: a user over quota (the quota was lowered, or the backfill found them
    // above it) must still be able to replace files with smaller ones on the way back under.
    // Written as a subtraction so that no sum can overflow.
    if (quota == 0 || delta <= 0 || delta <= quota - usedBytes) {
      return null;
    }
    return ApiException.insufficientStorage(
        "storing '"
            + path
            + "' ("
            + size
            + " bytes) adds "
            + delta
            + " bytes to the "
            + usedBytes
            + " bytes in use, above the quota of "
            + quota
            + " bytes");
  }

  /** As {@link #failure}, throwing the 507. */
  static void check(long quota, String path, long size, long usedBytes, long delta) {
    ApiException failure = failure(quota, path, size, usedBytes, delta);
    if (failure != null) {
      throw failure;
    }
  }
}
