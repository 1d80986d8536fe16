package io.ironsync.observability;

import io.ironsync.observability.impl.MicrometerMetrics;
import io.ironsync.observability.impl.MicrometerSweeperMetrics;
import io.ironsync.observability.impl.MicrometerSyncMetrics;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.List;

/**
 * The node's metrics: one Prometheus registry that Vert.x (HTTP server and client, pools, event
 * bus, JVM) and IronSync's own meters record into. Every meter carries the {@code node} tag.
 */
public final class Observability {

  private final PrometheusMeterRegistry registry;
  private final MicrometerMetrics metrics;
  private final MicrometerSyncMetrics syncMetrics;
  private final MicrometerSweeperMetrics sweeperMetrics;

  private Observability(PrometheusMeterRegistry registry) {
    this.registry = registry;
    this.metrics = new MicrometerMetrics(registry);
    this.syncMetrics = new MicrometerSyncMetrics(registry);
    this.sweeperMetrics = new MicrometerSweeperMetrics(registry);
  }

  /** Per-route latency as a histogram, so percentiles can be computed across nodes. */
  private static final MeterFilter HTTP_SERVER_LATENCY_HISTOGRAM =
      new MeterFilter() {
        @Override
        public DistributionStatisticConfig configure(
            Meter.Id id, DistributionStatisticConfig config) {
          if (id.getName().equals("vertx.http.server.response.time")) {
            return DistributionStatisticConfig.builder()
                .percentilesHistogram(true)
                .build()
                .merge(config);
          }
          return config;
        }
      };

  public static Observability create(String nodeId) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags(List.of(Tag.of("node", nodeId)));
    registry.config().meterFilter(HTTP_SERVER_LATENCY_HISTOGRAM);
    // Vert.x binds the JVM, GC, CPU and uptime meters; open file descriptors come from here
    new FileDescriptorMetrics().bindTo(registry);
    return new Observability(registry);
  }

  /**
   * Options for {@code Vertx.builder().with(new VertxOptions().setMetricsOptions(...))}. Labels are
   * bounded: the HTTP route is the router's template, never the raw path, and no remote addresses.
   */
  public MicrometerMetricsOptions vertxMetricsOptions() {
    return new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .addLabels(Label.HTTP_METHOD, Label.HTTP_CODE, Label.HTTP_ROUTE);
  }

  public VertxMetricsFactory vertxMetricsFactory() {
    return new MicrometerMetricsFactory(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public StorageMetrics storage() {
    return metrics;
  }

  public UploadMetrics uploads() {
    return metrics;
  }

  public DownloadMetrics downloads() {
    return metrics;
  }

  public MetadataMetrics metadata() {
    return metrics;
  }

  public RateLimitMetrics rateLimits() {
    return metrics;
  }

  public ConnectionMetrics connections() {
    return metrics;
  }

  public SyncMetrics sync() {
    return syncMetrics;
  }

  public SweeperMetrics sweepers() {
    return sweeperMetrics;
  }
}
