package io.ironsync.observability;

import java.time.Duration;

/** What the upload path reports. */
public interface UploadMetrics {

  /** Request body bytes accepted from clients. */
  void bytesReceived(long bytes);

  /**
   * An upload was committed (or found identical to the head); outcome is created/updated/unchanged.
   */
  void uploadSucceeded(String outcome, Duration duration);

  /** An upload ended without a commit; reason is one of {@link UploadFailure}. */
  void uploadFailed(UploadFailure reason);

  /**
   * An update met a newer revision than the one it was based on: kind is {@code rejected} (412),
   * {@code copied} (saved as a conflict copy) or {@code identical} (same content as the head, so
   * nothing to do).
   */
  void conflict(String kind);
}
