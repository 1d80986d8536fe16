package io.ironsync.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The series an operator queries, as Prometheus scrapes them: names with units and {@code _total},
 * tag values from fixed sets, and series that exist at zero before the first event.
 */
class MeterSeriesTest {

  private final Observability observability = Observability.create("node-a");

  private String scrape() {
    return observability.registry().scrape();
  }

  /** The sample of one series, or null when the series is not exported. */
  private Double sample(String series) {
    return scrape()
        .lines()
        .filter(line -> line.startsWith(series + " "))
        .map(line -> Double.parseDouble(line.substring(series.length() + 1)))
        .findFirst()
        .orElse(null);
  }

  @Test
  void connections_by_protocol_are_exported_at_zero_and_follow_opens_and_closes() {
    for (String protocol : new String[] {"http1", "http1-tls", "h2c", "h2"}) {
      assertThat(
              sample(
                  "ironsync_http_active_connections{node=\"node-a\",protocol=\""
                      + protocol
                      + "\"}"))
          .as(protocol)
          .isEqualTo(0.0);
    }
    ConnectionMetrics connections = observability.connections();

    connections.connections(ConnectionMetrics.H2, 1);
    connections.connections(ConnectionMetrics.H2, 1);
    connections.connections(ConnectionMetrics.HTTP1, 1);
    connections.connections(ConnectionMetrics.H2, -1);

    assertThat(sample("ironsync_http_active_connections{node=\"node-a\",protocol=\"h2\"}"))
        .isEqualTo(1.0);
    assertThat(sample("ironsync_http_active_connections{node=\"node-a\",protocol=\"http1\"}"))
        .isEqualTo(1.0);
    assertThatThrownBy(() -> connections.connections("10.0.0.1:443", 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void relay_consume_errors_exist_for_every_reason_and_count_by_reason() {
    SyncMetrics sync = observability.sync();
    assertThat(sample("ironsync_relay_consume_errors_total{node=\"node-a\",reason=\"deliver\"}"))
        .isEqualTo(0.0);
    assertThat(sample("ironsync_relay_consume_errors_total{node=\"node-a\",reason=\"poll\"}"))
        .isEqualTo(0.0);

    sync.relayConsumeFailed(SyncMetrics.RELAY_DECODE);
    sync.relayConsumeFailed(SyncMetrics.RELAY_DECODE);

    assertThat(sample("ironsync_relay_consume_errors_total{node=\"node-a\",reason=\"decode\"}"))
        .isEqualTo(2.0);
    assertThatThrownBy(() -> sync.relayConsumeFailed("offset 42 of partition 3"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void version_churn_counts_created_and_superseded_revisions_by_operation() {
    SyncMetrics sync = observability.sync();
    assertThat(sample("ironsync_versions_superseded_total{node=\"node-a\",op=\"delete\"}"))
        .isEqualTo(0.0);

    sync.versions(SyncMetrics.PUT, 3, 1);
    sync.versions(SyncMetrics.MOVE, 2, 1);

    assertThat(sample("ironsync_versions_committed_total{node=\"node-a\",op=\"put\"}"))
        .isEqualTo(3.0);
    assertThat(sample("ironsync_versions_superseded_total{node=\"node-a\",op=\"put\"}"))
        .isEqualTo(1.0);
    assertThat(sample("ironsync_versions_committed_total{node=\"node-a\",op=\"move\"}"))
        .isEqualTo(2.0);
    assertThatThrownBy(() -> sync.versions("docs/report.txt", 1, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void relay_gauges_keep_reading_their_suppliers_after_a_garbage_collection() {
    AtomicLong lag = new AtomicLong(7);
    AtomicLong pending = new AtomicLong(3);
    // method references: objects that only the registry holds
    observability.sync().watchRelayLag(lag::get);
    observability.sync().watchRelayPending(pending::get);

    System.gc();

    assertThat(sample("ironsync_relay_consumer_lag_records{node=\"node-a\"}")).isEqualTo(7.0);
    assertThat(sample("ironsync_relay_pending_batches{node=\"node-a\"}")).isEqualTo(3.0);
  }

  @Test
  void a_store_exports_its_multipart_failures_and_aborts_from_its_first_report() {
    StorageMetrics storage = observability.storage();
    assertThat(scrape()).doesNotContain("ironsync_storage_multipart");

    storage.putFinished("s3", Duration.ofMillis(5), 10, true);

    for (String step : new String[] {"create", "part", "complete", "abort"}) {
      assertThat(
              sample(
                  "ironsync_storage_multipart_failures_total{node=\"node-a\",step=\""
                      + step
                      + "\",store=\"s3\"}"))
          .as(step)
          .isEqualTo(0.0);
    }
    assertThat(sample("ironsync_storage_multipart_aborts_total{node=\"node-a\",store=\"s3\"}"))
        .isEqualTo(0.0);

    storage.multipartFailed("s3", StorageMetrics.COMPLETE);
    storage.multipartAborted("s3");

    assertThat(
            sample(
                "ironsync_storage_multipart_failures_total{node=\"node-a\",step=\"complete\","
                    + "store=\"s3\"}"))
        .isEqualTo(1.0);
    assertThat(sample("ironsync_storage_multipart_aborts_total{node=\"node-a\",store=\"s3\"}"))
        .isEqualTo(1.0);
    assertThat(sample("ironsync_storage_put_bytes_total{node=\"node-a\",store=\"s3\"}"))
        .isEqualTo(10.0);
    assertThatThrownBy(() -> storage.multipartFailed("s3", "upload-4711"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void process_metrics_include_open_file_descriptors() {
    assertThat(scrape()).contains("process_files_open_files{node=\"node-a\"}");
    assertThat(scrape()).contains("process_files_max_files{node=\"node-a\"}");
  }
}
