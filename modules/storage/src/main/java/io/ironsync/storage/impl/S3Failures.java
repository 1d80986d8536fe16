package io.ironsync.storage.impl;

import io.ironsync.storage.ObjectStoreException;
import io.minio.errors.ErrorResponseException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns whatever the SDK or the HTTP client failed with into an {@link ObjectStoreException}. */
final class S3Failures {

  private S3Failures() {}

  /**
   * @param what the operation, e.g. "S3 PUT blobs/ab/cd"
   */
  static ObjectStoreException wrap(String what, Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof ObjectStoreException known) {
      return known;
    }
    if (cause instanceof ErrorResponseException error) {
      return new ObjectStoreException(
          what
              + " failed: "
              + error.response().code()
              + " "
              + error.errorResponse().code()
              + ": "
              + error.errorResponse().message(),
          cause);
    }
    return new ObjectStoreException(what + " failed: " + describe(cause), cause);
  }

  /** The S3 error code of a failure, or null when S3 did not answer with one. */
  static String errorCode(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof ErrorResponseException error) {
        return error.errorResponse().code();
      }
    }
    return null;
  }

  static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    return message == null || message.isBlank()
        ? cause.getClass().getSimpleName()
        : cause.getClass().getSimpleName() + ": " + message;
  }
}
