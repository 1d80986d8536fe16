package io.ironsync.metadata;

import io.ironsync.observability.MetadataMetrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every reported transaction as {@code operation:outcome}. */
final class RecordingMetrics implements MetadataMetrics {

  private final List<String> transactions = new CopyOnWriteArrayList<>();

  @Override
  public void transactionFinished(String operation, String outcome, Duration duration) {
    if (duration.isNegative()) {
      throw new AssertionError("negative duration for " + operation);
    }
    transactions.add(operation + ":" + outcome);
  }

  List<String> transactions() {
    return List.copyOf(transactions);
  }
}
