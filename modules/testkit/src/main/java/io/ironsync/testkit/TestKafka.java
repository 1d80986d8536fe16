package io.ironsync.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

/**
 * A real Kafka broker (3.9, KRaft mode: one node that is both broker and controller) running inside
 * the test JVM on loopback ports, with its log directory in a temporary directory that is deleted
 * on {@link #close()}. {@link #shared()} is one broker per test JVM; {@link #start()} gives a
 * private one that the caller closes.
 *
 * <p>Topics are auto-created with {@value #DEFAULT_PARTITIONS} partitions; {@link
 * #createTopic(String, int)} creates one with a chosen partition count. Replication factors are 1
 * and consumer groups rebalance without the initial delay.
 */
public final class TestKafka implements AutoCloseable {

  /** Partitions of an auto-created topic. */
  public static final int DEFAULT_PARTITIONS = 4;

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  private static TestKafka shared;

  private final KafkaRaftServer server;
  private final int port;
  private final Path dir;
  private boolean closed;

  private TestKafka(KafkaRaftServer server, int port, Path dir) {
    this.server = server;
    this.port = port;
    this.dir = dir;
  }

  public static synchronized TestKafka shared() {
    if (shared == null) {
      shared = start();
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "test-kafka-stop"));
    }
    return shared;
  }

  /** A private broker; the caller closes it. */
  public static TestKafka start() {
    int port = Ports.free();
    int controllerPort = Ports.free();
    while (controllerPort == port) {
      controllerPort = Ports.free();
    }
    Path dir;
    try {
      dir = Files.createTempDirectory("ironsync-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a Kafka log directory", e);
    }
    KafkaRaftServer server = null;
    try {
      Properties props = brokerProperties(port, controllerPort, dir.resolve("logs"));
      format(props, dir);
      server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
      server.startup();
      TestKafka kafka = new TestKafka(server, port, dir);
      Ports.awaitListening(port, START_TIMEOUT, null);
      kafka.awaitReady();
      return kafka;
    } catch (RuntimeException | Error e) {
      if (server != null) {
        try {
          server.shutdown();
          server.awaitShutdown();
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      deleteRecursively(dir);
      throw e;
    }
  }

  private static Properties brokerProperties(int port, int controllerPort, Path logDir) {
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.setProperty(
        "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("log.dirs", logDir.toString());
    p.setProperty("num.partitions", Integer.toString(DEFAULT_PARTITIONS));
    p.setProperty("auto.create.topics.enable", "true");
    p.setProperty("default.replication.factor", "1");
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("min.insync.replicas", "1");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    // Internal topics with one partition instead of 50: the first consumer group and the first
    // transaction do not wait for 50 partitions to be created on this single broker.
    p.setProperty("offsets.topic.num.partitions", "1");
    p.setProperty("transaction.state.log.num.partitions", "1");
    // The log cleaner (for compacted topics such as __consumer_offsets) would otherwise take a
    // 128 MiB dedupe buffer from the test JVM's heap.
    p.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024));
    p.setProperty("num.network.threads", "2");
    p.setProperty("num.io.threads", "2");
    return p;
  }

  /** The {@code kafka-storage format} step: writes meta.properties and the bootstrap metadata. */
  private static void format(Properties props, Path dir) {
    Path file = dir.resolve("server.properties");
    try (OutputStream out = Files.newOutputStream(file)) {
      props.store(out, "ironsync test broker");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int status;
    try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      status =
          StorageTool.execute(
              new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", file.toString()},
              print);
    }
    if (status != 0) {
      throw new IllegalStateException(
          "kafka storage format failed ("
              + status
              + "): "
              + output.toString(StandardCharsets.UTF_8));
    }
  }

  /** Waits until the broker answers a metadata request and names itself as the only node. */
  private void awaitReady() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    try (Admin admin = admin()) {
      while (true) {
        try {
          if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (ExecutionException | TimeoutException notYet) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(
                "Kafka broker on port " + port + " is not ready", notYet);
          }
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Kafka broker on port " + port + " has no nodes");
        }
        Thread.sleep(50);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Kafka", e);
    }
  }

  public int port() {
    return port;
  }

  /** {@code 127.0.0.1:PORT}, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** A new admin client for this broker; the caller closes it. */
  public Admin admin() {
    return Admin.create(
        Map.<String, Object>of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000));
  }

  /**
   * Creates a topic with the given partition count (replication factor 1) and waits until it
   * exists; a topic that already exists is left as it is.
   */
  public void createTopic(String name, int partitions) {
    try (Admin admin = admin()) {
      admin
          .createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
          .all()
          .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create topic " + name, e.getCause());
      }
    } catch (TimeoutException e) {
      throw new IllegalStateException("creating topic " + name + " timed out", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + name, e);
    }
  }

  /** Stops the broker and deletes its log directory. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      server.shutdown();
      server.awaitShutdown();
    } finally {
      deleteRecursively(dir);
    }
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException ignored) {
                  // best effort: a leftover file in the temp directory harms nothing
                }
              });
    } catch (IOException | UncheckedIOException ignored) {
      // best effort
    }
  }
}
