package io.ironsync.observability;

/** What the background sweepers report. */
public interface SweeperMetrics {

  /** What a retention run removes, used as tag values. */
  String VERSIONS = "versions";

  String JOURNAL_ROWS = "journal_rows";

  String OBJECTS = "objects";

  /** A retention run ended; {@code ok} is false when it failed part-way. */
  void retentionRun(boolean ok);

  /** A retention step removed {@code count} of {@code what} (a tag value above). */
  void retentionRemoved(String what, long count);

  /** An object past its retention could not be deleted (it is left for the orphan sweep). */
  void retentionDeleteFailed();

  /** Resumable uploads removed because they expired unfinished (or their record outlived use). */
  void uploadsExpired(long count);

  /** What the last orphan sweep saw and left: bytes of orphaned objects, unfinished uploads. */
  void orphans(long bytesLeft, long uploadsLeft);

  /** An orphan was removed: an object of {@code bytes}, or an unfinished upload (0). */
  void orphanSwept(long bytes);
}
