package io.ironsync.observability;

import io.ironsync.config.IronSyncConfig;
import io.ironsync.observability.impl.UrlRedaction;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.vertx.core.spi.VertxTracerFactory;
import io.vertx.core.tracing.TracingOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * OpenTelemetry for one node, handed to Vert.x so that HTTP requests, event-bus messages,
 * PostgreSQL queries, Kafka records and the object store's calls become spans of one trace, carried
 * in and out as W3C {@code traceparent}.
 *
 * <p>Every request gets a trace id, which the logs carry, whether or not spans are exported. With
 * {@code tracing.otlp-endpoint} the sampled share ({@code tracing.sample-ratio}, decided by trace
 * id so that every node keeps or drops the same traces; a caller's {@code traceparent} continues
 * its trace but does not decide) goes to an OTLP/HTTP collector in batches from the SDK's own
 * thread, with users' file paths and cursors taken out of the URLs ({@link UrlRedaction}); a full
 * export queue drops spans rather than holding requests up. Without it nothing is recorded: spans
 * exist only for their ids.
 */
public final class Tracing {

  private static final String TRACES_PATH = "/v1/traces";
  private static final Duration EXPORT_TIMEOUT = Duration.ofSeconds(10);
  private static final int EXPORT_QUEUE = 8192;
  private static final long SHUTDOWN_SECONDS = 5;

  private final OpenTelemetrySdk sdk;

  private Tracing(OpenTelemetrySdk sdk) {
    this.sdk = sdk;
  }

  public static Tracing create(IronSyncConfig.Tracing config, String nodeId) {
    Resource resource =
        Resource.getDefault()
            .merge(
                Resource.create(
                    Attributes.of(
                        AttributeKey.stringKey("service.name"),
                        "ironsync",
                        AttributeKey.stringKey("service.instance.id"),
                        nodeId)));
    var tracers = SdkTracerProvider.builder().setResource(resource);
    config
        .otlpEndpoint()
        .ifPresentOrElse(
            endpoint -> {
              // the ratio decides for callers' traces too: a public client's sampled flag must
              // not be able to make a node export everything it does
              Sampler ratio = Sampler.traceIdRatioBased(config.sampleRatio());
              tracers.setSampler(
                  Sampler.parentBasedBuilder(ratio)
                      .setRemoteParentSampled(ratio)
                      .setRemoteParentNotSampled(ratio)
                      .build());
              tracers.addSpanProcessor(new UrlRedaction());
              tracers.addSpanProcessor(
                  BatchSpanProcessor.builder(
                          OtlpHttpSpanExporter.builder()
                              .setEndpoint(tracesUrl(endpoint.toString()))
                              .setTimeout(EXPORT_TIMEOUT)
                              .build())
                      .setMaxQueueSize(EXPORT_QUEUE)
                      .build());
            },
            () -> tracers.setSampler(Sampler.alwaysOff()));
    return new Tracing(
        OpenTelemetrySdk.builder()
            .setTracerProvider(tracers.build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build());
  }

  static String tracesUrl(String base) {
    String trimmed = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    return trimmed + TRACES_PATH;
  }

  public VertxTracerFactory vertxTracerFactory() {
    return new OpenTelemetryTracingFactory(sdk);
  }

  public TracingOptions vertxTracingOptions() {
    return new OpenTelemetryOptions();
  }

  /** Sends the spans still queued and stops; blocks for a few seconds at most. */
  public void close() {
    sdk.getSdkTracerProvider().shutdown().join(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
  }
}
