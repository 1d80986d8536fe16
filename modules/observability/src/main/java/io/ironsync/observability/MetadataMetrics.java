package io.ironsync.observability;

import java.time.Duration;

/** What the metadata verticle reports. */
public interface MetadataMetrics {

  /** One metadata transaction finished; outcome is committed, unchanged, rejected or failed. */
  void transactionFinished(String operation, String outcome, Duration duration);
}
