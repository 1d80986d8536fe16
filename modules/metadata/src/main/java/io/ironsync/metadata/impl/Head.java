package io.ironsync.metadata.impl;

import io.ironsync.domain.FileMeta;

/**
 * The row a user's path has in {@code files}: a live file, a tombstone or a folder.
 *
 * @param rev the latest revision a file at this path had; null for a folder that never was a file
 * @param meta the live file's metadata; null for tombstones and folders
 */
record Head(String path, boolean folder, boolean deleted, Long rev, FileMeta meta) {

  boolean isLiveFile() {
    return !folder && !deleted;
  }

  /** Revisions keep increasing across delete and re-create, so a tombstone's counts too. */
  long nextRev() {
    return rev == null ? 1 : rev + 1;
  }
}
