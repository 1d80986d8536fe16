package io.ironsync.observability;

import java.time.Duration;

/** What the metadata verticle reports. */
public interface MetadataMetrics {

  /**
   * One metadata operation finished. Writes end committed, unchanged, rejected (a precondition, a
   * conflict or the quota) or failed; reads end ok, rejected or failed.
   */
  void transactionFinished(String operation, String outcome, Duration duration);

  /** A replica failed or could not answer the request yet ({@code behind}). */
  String REPLICA_FAILED = "failed";

  String REPLICA_BEHIND = "behind";

  /** A read meant for the read replica was served by the primary, for one of the reasons above. */
  default void readFromPrimary(String reason) {}
}
