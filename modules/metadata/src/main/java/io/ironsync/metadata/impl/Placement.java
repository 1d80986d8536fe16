package io.ironsync.metadata.impl;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.FilePath;
import java.util.Map;

/** Whether a file may take a path, given the heads of the path and its ancestors. */
final class Placement {

  private Placement() {}

  /**
   * @return the 409 when the path is a folder or a folder above it is a live file, else null. A
   *     tombstone above the path becomes a folder when the file is written.
   */
  static ApiException problem(FilePath path, Map<String, Head> heads) {
    Head head = heads.get(path.value());
    if (head != null && head.folder()) {
      return ApiException.conflict("path-is-folder", "'" + path + "' is a folder");
    }
    return ancestorProblem(path, heads);
  }

  /** The 409 when a folder above the path is a live file, else null. */
  static ApiException ancestorProblem(FilePath path, Map<String, Head> heads) {
    for (FilePath folder : path.ancestors()) {
      Head above = heads.get(folder.value());
      if (above != null && above.isLiveFile()) {
        return ApiException.conflict(
            "parent-is-file", "'" + folder + "' is a file, so '" + path + "' cannot be created");
      }
    }
    return null;
  }

  static void check(FilePath path, Map<String, Head> heads) {
    throwIfAny(problem(path, heads));
  }

  static void checkAncestors(FilePath path, Map<String, Head> heads) {
    throwIfAny(ancestorProblem(path, heads));
  }

  private static void throwIfAny(ApiException problem) {
    if (problem != null) {
      throw problem;
    }
  }
}
