package io.ironsync.storage;

import io.ironsync.observability.StorageMetrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Remembers what a store reported. */
public final class RecordingMetrics implements StorageMetrics {

  public record Put(String store, long bytes, boolean success) {}

  public final List<Put> puts = new CopyOnWriteArrayList<>();
  public final AtomicInteger aborted = new AtomicInteger();

  @Override
  public void putFinished(String store, Duration duration, long bytes, boolean success) {
    puts.add(new Put(store, bytes, success));
  }

  @Override
  public void multipartAborted(String store) {
    aborted.incrementAndGet();
  }

  @Override
  public void multipartFailed(String store, String step) {}

  @Override
  public void getOpened(String store, java.time.Duration duration, boolean success) {}
}
