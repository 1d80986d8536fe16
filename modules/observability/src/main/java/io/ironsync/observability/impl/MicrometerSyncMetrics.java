package io.ironsync.observability.impl;

import static io.ironsync.observability.MetricNames.*;

import io.ironsync.observability.SyncMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * {@link SyncMetrics} in Micrometer. Meters are created up front for every tag value, so every
 * series exists from the first scrape and dashboards never see gaps.
 */
public final class MicrometerSyncMetrics implements SyncMetrics {

  private static final List<String> TRANSPORTS = List.of(SSE, WEBSOCKET);
  private static final List<String> STREAMS = List.of(SSE, WEBSOCKET, LONGPOLL);
  private static final List<String> CONSUME_FAILURES =
      List.of(RELAY_DECODE, RELAY_DELIVER, RELAY_POLL);
  private static final List<String> OPS = List.of(PUT, DELETE, MOVE);

  private final MeterRegistry registry;
  private final Map<String, AtomicLong> clients;
  private final Map<String, Counter> delivered;
  private final Map<String, Counter> replayed;
  private final Timer latency;
  private final Counter coalesced;
  private final AtomicLong longPolls = new AtomicLong();
  private final Map<String, Counter> streamsRefused;
  private final DistributionSummary backlog;
  private final Counter produced;
  private final Counter produceFailures;
  private final Timer relayLatency;
  private final Map<String, Counter> consumeFailures;
  private final Map<String, Counter> versionsCreated;
  private final Map<String, Counter> versionsSuperseded;

  public MicrometerSyncMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.clients = perValue(TRANSPORTS, transport -> gauge(transport));
    this.delivered =
        perValue(
            TRANSPORTS,
            transport ->
                Counter.builder(PUSH_DELIVERED)
                    .description("Live changes written to push clients")
                    .tag(TAG_TRANSPORT, transport)
                    .register(registry));
    this.replayed =
        perValue(
            TRANSPORTS,
            transport ->
                Counter.builder(PUSH_REPLAYED)
                    .description(
                        "Changes replayed from the journal to push clients that were behind")
                    .tag(TAG_TRANSPORT, transport)
                    .register(registry));
    this.latency =
        Timer.builder(PUSH_DELIVERY_LATENCY)
            .description("Time from a change's commit to its write to a push client")
            .publishPercentileHistogram()
            // the sync SLO's threshold (99.9% within 5 s) gets a bucket of its own
            .serviceLevelObjectives(Duration.ofSeconds(5))
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry);
    this.coalesced =
        Counter.builder(PUSH_COALESCED)
            .description("Changes that shared a push notification with others")
            .register(registry);
    Gauge.builder(LONGPOLL_WAITING, longPolls, AtomicLong::get)
        .description("Long-polls waiting for a change")
        .register(registry);
    this.streamsRefused =
        perValue(
            STREAMS,
            transport ->
                Counter.builder(SYNC_STREAMS_REFUSED)
                    .description("Sync streams refused because their user held the most allowed")
                    .tag(TAG_TRANSPORT, transport)
                    .register(registry));
    this.backlog =
        DistributionSummary.builder(SYNC_BACKLOG)
            .description("Journal entries a device was behind when it asked for changes")
            .baseUnit("entries")
            .publishPercentileHistogram()
            .minimumExpectedValue(1.0)
            .maximumExpectedValue(1_000_000.0)
            .register(registry);
    this.produced =
        Counter.builder(RELAY_PRODUCED)
            .description("Change batches sent to Kafka for other nodes")
            .tag(TAG_OUTCOME, "success")
            .register(registry);
    this.produceFailures =
        Counter.builder(RELAY_PRODUCED)
            .description("Change batches sent to Kafka for other nodes")
            .tag(TAG_OUTCOME, "failure")
            .register(registry);
    this.relayLatency =
        Timer.builder(RELAY_LATENCY)
            .description("Time from a commit on another node to its batch arriving here")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry);
    this.consumeFailures =
        perValue(
            CONSUME_FAILURES,
            reason ->
                Counter.builder(RELAY_CONSUME_ERRORS)
                    .description(
                        "Records of the change topic not passed on to this node's devices, by"
                            + " reason")
                    .tag(TAG_REASON, reason)
                    .register(registry));
    this.versionsCreated =
        perValue(
            OPS,
            op ->
                Counter.builder(VERSIONS_COMMITTED)
                    .description(
                        "File revisions created by committed writes (a move creates two: the file"
                            + " at its new path and a tombstone at the old one)")
                    .tag(TAG_OP, op)
                    .register(registry));
    this.versionsSuperseded =
        perValue(
            OPS,
            op ->
                Counter.builder(VERSIONS_SUPERSEDED)
                    .description(
                        "File revisions that stopped being the head of their path, by the write"
                            + " that replaced them")
                    .tag(TAG_OP, op)
                    .register(registry));
  }

  private AtomicLong gauge(String transport) {
    AtomicLong value = new AtomicLong();
    Gauge.builder(PUSH_CLIENTS, value, AtomicLong::get)
        .description("Connected push clients")
        .tag(TAG_TRANSPORT, transport)
        .register(registry);
    return value;
  }

  private static <T> Map<String, T> perValue(
      List<String> values, java.util.function.Function<String, T> meter) {
    return values.stream()
        .collect(java.util.stream.Collectors.toUnmodifiableMap(value -> value, meter));
  }

  @Override
  public void pushClients(String transport, int delta) {
    clients.get(transport).addAndGet(delta);
  }

  @Override
  public void delivered(String transport, int changes, Duration sinceCommit) {
    delivered.get(transport).increment(changes);
    for (int i = 0; i < changes; i++) {
      latency.record(sinceCommit.isNegative() ? Duration.ZERO : sinceCommit);
    }
  }

  @Override
  public void replayed(String transport, int changes) {
    replayed.get(transport).increment(changes);
  }

  @Override
  public void coalesced(int changes) {
    coalesced.increment(changes);
  }

  @Override
  public void longPolls(int delta) {
    longPolls.addAndGet(delta);
  }

  @Override
  public void streamRefused(String transport) {
    streamsRefused.get(transport).increment();
  }

  @Override
  public void backlog(long entries) {
    backlog.record(entries);
  }

  @Override
  public void relayProduced(boolean success) {
    (success ? produced : produceFailures).increment();
  }

  @Override
  public void relayConsumed(Duration sinceCommit) {
    relayLatency.record(sinceCommit.isNegative() ? Duration.ZERO : sinceCommit);
  }

  @Override
  public void relayConsumeFailed(String reason) {
    known(consumeFailures, reason).increment();
  }

  @Override
  public void watchRelayPending(Supplier<Number> batches) {
    Gauge.builder(RELAY_PENDING, batches, supplier -> supplier.get().doubleValue())
        .description("Change batches sent to Kafka and not yet acknowledged (or failed)")
        .baseUnit("batches")
        .strongReference(true)
        .register(registry);
  }

  @Override
  public void versions(String op, int created, int superseded) {
    known(versionsCreated, op).increment(created);
    known(versionsSuperseded, op).increment(superseded);
  }

  private static Counter known(Map<String, Counter> counters, String tag) {
    Counter counter = counters.get(tag);
    if (counter == null) {
      throw new IllegalArgumentException("not a known tag value: " + tag);
    }
    return counter;
  }

  @Override
  public void watchRelayLag(Supplier<Number> records) {
    Gauge.builder(RELAY_CONSUMER_LAG, records, supplier -> supplier.get().doubleValue())
        .description("Records on the change topic this node has not consumed yet")
        .baseUnit("records")
        // the supplier is often a method reference that nothing else holds
        .strongReference(true)
        .register(registry);
  }
}
