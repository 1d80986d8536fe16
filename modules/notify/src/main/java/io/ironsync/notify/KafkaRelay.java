package io.ironsync.notify;

import io.ironsync.notify.impl.RelayConsumer;
import io.ironsync.notify.impl.RelayProducer;
import io.ironsync.observability.SyncMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewTopic;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries change batches between nodes through one Kafka topic, keyed by user so that one user's
 * batches share a partition. Every node reads every partition from its end at start-up (no consumer
 * group: each node needs all batches for its own push clients, and a node that was down catches its
 * devices up from the journal, not from Kafka). Batches this node produced are skipped when they
 * come back; they were delivered locally already.
 */
public final class KafkaRelay {

  private static final Logger log = LoggerFactory.getLogger(KafkaRelay.class);
  private static final Duration LAG_INTERVAL = Duration.ofSeconds(10);
  // batches still unsent by then are dropped; devices find those changes in the journal
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  /**
   * @param bootstrapServers Kafka's {@code bootstrap.servers}
   * @param topic the change topic; created with {@code partitions} partitions when missing
   */
  public record Settings(String bootstrapServers, String topic, int partitions) {}

  private final Vertx vertx;
  private final Settings settings;
  private final String nodeId;
  private final SyncMetrics metrics;
  private final AtomicLong lag = new AtomicLong();
  private RelayProducer producer;
  private KafkaConsumer<String, String> consumer;
  private Set<TopicPartition> partitions = Set.of();
  private long lagTimer = -1;

  private KafkaRelay(Vertx vertx, Settings settings, String nodeId, SyncMetrics metrics) {
    this.vertx = vertx;
    this.settings = settings;
    this.nodeId = nodeId;
    this.metrics = metrics;
  }

  /**
   * {@code nodeId} names this process in the batches it sends; it must differ between any two
   * running processes.
   *
   * <p>Creates the topic if needed, starts the producer, and returns once the consumer reads every
   * partition from its current end, so any batch sent afterwards reaches this node.
   */
  public static Future<KafkaRelay> start(
      Vertx vertx, Settings settings, String nodeId, SyncMetrics metrics) {
    ChangePublisher.registerCodec(vertx);
    KafkaRelay relay = new KafkaRelay(vertx, settings, nodeId, metrics);
    return relay
        .createTopic()
        .compose(created -> relay.startConsumer())
        .map(
            started -> {
              relay.producer =
                  new RelayProducer(
                      KafkaProducer.create(vertx, relay.producerConfig()),
                      settings.topic(),
                      metrics);
              metrics.watchRelayLag(relay.lag::get);
              metrics.watchRelayPending(relay.producer::pending);
              relay.lagTimer = vertx.setPeriodic(LAG_INTERVAL.toMillis(), id -> relay.measureLag());
              return relay;
            })
        .recover(failure -> relay.close().transform(closed -> Future.failedFuture(failure)));
  }

  /**
   * Sends a batch for the other nodes; a failure is counted and logged, never thrown. Call on the
   * context that started the relay.
   */
  public void send(ChangeBatch batch) {
    producer.send(batch);
  }

  /** Succeeds when the broker answers with the change topic's partitions. */
  public Future<Void> ping() {
    return consumer.partitionsFor(settings.topic()).mapEmpty();
  }

  public Future<Void> close() {
    if (lagTimer >= 0) {
      vertx.cancelTimer(lagTimer);
    }
    return Future.join(
            producer == null ? Future.succeededFuture() : producer.close(CLOSE_TIMEOUT.toMillis()),
            consumer == null ? Future.succeededFuture() : consumer.close())
        .mapEmpty();
  }

  private Future<Void> createTopic() {
    KafkaAdminClient admin =
        KafkaAdminClient.create(vertx, Map.of("bootstrap.servers", settings.bootstrapServers()));
    return admin
        .createTopics(List.of(new NewTopic(settings.topic(), settings.partitions(), (short) 1)))
        .recover(
            failure ->
                failure instanceof TopicExistsException
                        || failure.getCause() instanceof TopicExistsException
                    ? Future.succeededFuture()
                    : Future.failedFuture(failure))
        .eventually(admin::close);
  }

  private Future<Void> startConsumer() {
    consumer = KafkaConsumer.create(vertx, consumerConfig());
    RelayConsumer receiver = new RelayConsumer(vertx, nodeId, metrics);
    consumer.handler(
        record -> receiver.receive(record.partition(), record.offset(), record.value()));
    consumer.exceptionHandler(receiver::pollFailed);
    return consumer
        .partitionsFor(settings.topic())
        .compose(
            infos -> {
              partitions =
                  infos.stream()
                      .map(info -> new TopicPartition(settings.topic(), info.getPartition()))
                      .collect(Collectors.toUnmodifiableSet());
              return consumer.assign(partitions);
            })
        .compose(assigned -> consumer.seekToEnd(partitions))
        // the seek is lazy; asking for the positions makes it happen before start returns
        .compose(
            sought -> Future.all(partitions.stream().map(consumer::position).toList()).mapEmpty());
  }

  private void measureLag() {
    consumer
        .endOffsets(partitions)
        .compose(
            ends ->
                Future.all(
                        ends.entrySet().stream()
                            .map(
                                end ->
                                    consumer
                                        .position(end.getKey())
                                        .map(position -> Math.max(0, end.getValue() - position)))
                            .toList())
                    .map(all -> all.<Long>list().stream().mapToLong(Long::longValue).sum()))
        .onSuccess(lag::set)
        .onFailure(failure -> log.debug("measuring relay lag failed: {}", failure.toString()));
  }

  private Map<String, String> producerConfig() {
    return Map.of(
        "bootstrap.servers", settings.bootstrapServers(),
        "key.serializer", "org.apache.kafka.common.serialization.StringSerializer",
        "value.serializer", "org.apache.kafka.common.serialization.StringSerializer",
        "client.id", "ironsync-relay-" + nodeId.replace('/', '-'),
        "acks", "1",
        "enable.idempotence", "false",
        "linger.ms", "0",
        // a broker that is away must not hold up a notification for long: the journal has it
        "max.block.ms", "5000",
        "request.timeout.ms", "5000",
        "delivery.timeout.ms", "10000");
  }

  private Map<String, String> consumerConfig() {
    return Map.of(
        "bootstrap.servers", settings.bootstrapServers(),
        "key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer",
        "value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer",
        "client.id", "ironsync-relay-consumer-" + nodeId.replace('/', '-'),
        "enable.auto.commit", "false",
        "auto.offset.reset", "latest",
        // bounds how long a readiness probe or a lag reading can wait for an absent broker
        "default.api.timeout.ms", "5000");
  }
}
