package io.ironsync.observability;

import java.time.Duration;

/** What the metadata verticle reports. */
public interface MetadataMetrics {

  /**
   * One metadata operation finished. Writes end committed, unchanged, rejected (a precondition, a
   * conflict or the quota) or failed; reads end ok, rejected or failed.
   */
  void transactionFinished(String operation, String outcome, Duration duration);
}
