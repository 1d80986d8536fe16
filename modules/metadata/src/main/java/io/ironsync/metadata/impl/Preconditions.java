package io.ironsync.metadata.impl;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.FileMeta;
import io.ironsync.metadata.Precondition;

/** {@code If-Match} and {@code If-None-Match: *} against a path's live file. */
final class Preconditions {

  private Preconditions() {}

  /**
   * @param live the path's live file, or null when there is none
   * @throws ApiException 412, carrying the live file's metadata when there is one
   */
  static void check(Precondition precondition, String path, FileMeta live) {
    ApiException failure = failure(precondition, path, live);
    if (failure != null) {
      throw failure;
    }
  }

  /** The 412 that {@link #check} throws, or null when the precondition holds. */
  static ApiException failure(Precondition precondition, String path, FileMeta live) {
    if (precondition instanceof Precondition.IfMatch ifMatch) {
      if (live == null) {
        return ApiException.preconditionFailed(
            "If-Match needs a live file at '" + path + "' and there is none", null);
      }
      String etag = ifMatch.etag();
      if (!etag.equals("*") && !etag.equals(live.etag())) {
        return ApiException.preconditionFailed(
            "'" + path + "' is at etag " + live.etag() + ", not " + etag, live);
      }
    } else if (precondition instanceof Precondition.IfNoneExists && live != null) {
      return ApiException.preconditionFailed(
          "If-None-Match: * but '" + path + "' exists (etag " + live.etag() + ")", live);
    }
    return null;
  }
}
