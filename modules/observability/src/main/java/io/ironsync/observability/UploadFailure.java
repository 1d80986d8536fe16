package io.ironsync.observability;

/** Why an upload ended without a commit: a bounded set, used as a metric tag. */
public enum UploadFailure {
  CLIENT_ABORT,
  BAD_REQUEST,
  PRECONDITION,
  TOO_LARGE,
  QUOTA,
  LIMITED,
  DIGEST_MISMATCH,
  STORAGE,
  METADATA,
  SHUTDOWN;

  public String tag() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
