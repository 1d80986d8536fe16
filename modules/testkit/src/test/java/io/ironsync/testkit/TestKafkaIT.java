package io.ironsync.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class TestKafkaIT {

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void producesAndConsumesThroughTheSharedBroker() throws Exception {
    long t0 = System.nanoTime();
    TestKafka kafka = TestKafka.shared();
    System.out.printf("TestKafka started in %d ms%n", (System.nanoTime() - t0) / 1_000_000);

    assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + kafka.port());
    String topic = "testkit-roundtrip";
    kafka.createTopic(topic, 3);

    Map<String, Object> producerConfig =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer())) {
      for (int i = 1; i <= 3; i++) {
        // one partition for all three so that they come back in order
        producer
            .send(new ProducerRecord<>(topic, 0, "key-" + i, "value-" + i))
            .get(30, TimeUnit.SECONDS);
      }
    }

    Map<String, Object> consumerConfig =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, "testkit-roundtrip-group",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<String, String>> received = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (received.size() < 3 && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(received::add);
      }
      consumer.commitSync();
    }

    assertThat(received).extracting(ConsumerRecord::key).containsExactly("key-1", "key-2", "key-3");
    assertThat(received)
        .extracting(ConsumerRecord::value)
        .containsExactly("value-1", "value-2", "value-3");
    assertThat(received).extracting(ConsumerRecord::partition).containsOnly(0);
  }
}
