package io.ironsync.observability;

import java.time.Duration;

/** What the object stores report. {@code store} is a store kind ("s3", "local"), never a key. */
public interface StorageMetrics {

  /** Steps of a multipart upload, used as tag values of {@link #multipartFailed}. */
  String CREATE = "create";

  String PART = "part";

  String COMPLETE = "complete";

  /** The abort itself failed, after its retries: the upload is left for the orphan sweep. */
  String ABORT = "abort";

  /** One PUT to the store finished: a whole object, or one part of a multipart upload. */
  void putFinished(String store, Duration duration, long bytes, boolean success);

  /**
   * A read was opened, or failed to open: {@code duration} runs to the first byte being ready (S3:
   * the response headers; local: the file open), so it shows the store's latency, not the client's
   * download speed. A missing key counts as a success: the store answered.
   */
  void getOpened(String store, Duration duration, boolean success);

  /** A multipart upload was aborted (client gone, storage failure, rejected content). */
  void multipartAborted(String store);

  /**
   * A step of a multipart upload failed: {@link #CREATE}, {@link #PART}, {@link #COMPLETE} or
   * {@link #ABORT}.
   */
  void multipartFailed(String store, String step);
}
