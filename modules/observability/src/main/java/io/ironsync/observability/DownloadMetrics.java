package io.ironsync.observability;

/** What the download path reports. */
public interface DownloadMetrics {

  /** Content bytes sent to clients. */
  void bytesSent(long bytes);
}
