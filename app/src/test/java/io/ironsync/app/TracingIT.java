package io.ironsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.ironsync.app.ApiClient.Reply;
import io.ironsync.app.ApiClient.Transport;
import io.ironsync.testkit.BlockedThreadWatch;
import io.ironsync.testkit.Eventually;
import io.ironsync.testkit.TestKafka;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * Tracing from the outside: a node with S3 and Kafka exports its spans over OTLP/HTTP to a
 * collector run by the test (the real protocol, decoded with the OTLP protobuf classes). One upload
 * that arrives with a {@code traceparent} becomes one trace: the HTTP server span as a child of the
 * caller's span, then the event-bus hop, the PostgreSQL statements, the S3 calls and the Kafka
 * record, and the access-log line names the same trace.
 */
@ExtendWith(BlockedThreadWatch.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TracingIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir static Path dataDir;
  private static final List<Span> spans = new CopyOnWriteArrayList<>();
  private static final List<ILoggingEvent> accessLog = new CopyOnWriteArrayList<>();
  private static final AppenderBase<ILoggingEvent> accessCapture =
      new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
          accessLog.add(event);
        }
      };

  private static Vertx collectorVertx;
  private static HttpServer collector;
  private static TestGateway node;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    collectorVertx = Vertx.vertx();
    collector =
        collectorVertx
            .createHttpServer()
            .requestHandler(TracingIT::receive)
            .listen(0, "127.0.0.1")
            .await();
    accessCapture.start();
    ((Logger) LoggerFactory.getLogger("ironsync.access")).addAppender(accessCapture);
    String topic = "changes-" + UUID.randomUUID();
    node =
        TestGateway.start(
            TestGateway.Store.S3,
            dataDir,
            Map.of(
                "tracing.otlp-endpoint",
                "http://127.0.0.1:" + collector.actualPort(),
                "kafka.bootstrap-servers",
                TestKafka.shared().bootstrapServers(),
                "kafka.topic",
                topic));
    api = new ApiClient(Transport.H2C, node);
  }

  @AfterAll
  static void stop() {
    api.close();
    node.close();
    ((Logger) LoggerFactory.getLogger("ironsync.access")).detachAppender(accessCapture);
    collectorVertx.close().await();
  }

  /** The OTLP/HTTP traces endpoint: protobuf in, an empty protobuf answer out. */
  private static void receive(HttpServerRequest request) {
    request
        .body()
        .onSuccess(
            body -> {
              if (!"/v1/traces".equals(request.path())) {
                request.response().setStatusCode(404).end();
                return;
              }
              try {
                ExportTraceServiceRequest export =
                    ExportTraceServiceRequest.parseFrom(body.getBytes());
                export
                    .getResourceSpansList()
                    .forEach(
                        resource ->
                            resource
                                .getScopeSpansList()
                                .forEach(scope -> spans.addAll(scope.getSpansList())));
                request
                    .response()
                    .putHeader("Content-Type", "application/x-protobuf")
                    .end(
                        Buffer.buffer(
                            ExportTraceServiceResponse.getDefaultInstance().toByteArray()));
              } catch (Exception e) {
                request.response().setStatusCode(400).end(e.toString());
              }
            });
  }

  @Test
  void an_upload_is_one_trace_from_the_edge_through_the_event_bus_postgres_s3_and_kafka() {
    String traceId = randomHex(16);
    String callerSpan = randomHex(8);
    String token = node.token("user-" + UUID.randomUUID(), "laptop");
    byte[] content = new byte[256 * 1024];
    ThreadLocalRandom.current().nextBytes(content);
    Reply put =
        api.call(
            io.vertx.core.http.HttpMethod.PUT,
            "/v1/files/traced.bin",
            token,
            ApiClient.headers("traceparent", "00-" + traceId + "-" + callerSpan + "-01"),
            Buffer.buffer(content));
    assertThat(put.status()).as(put.body().toString()).isEqualTo(201);

    List<Span> trace =
        Eventually.await(
            "the upload's spans reach the collector",
            WAIT,
            () -> {
              List<Span> found = inTrace(traceId);
              return hasEveryHop(found) ? found : null;
            });

    Span server = trace.stream().filter(TracingIT::isHttpServer).findFirst().get();
    assertThat(hex(server.getParentSpanId()))
        .as("continues the caller's trace")
        .isEqualTo(callerSpan);
    Set<String> ids = trace.stream().map(s -> hex(s.getSpanId())).collect(Collectors.toSet());
    assertThat(trace)
        .as("no span records a presigned URL's signature or the user's file name")
        .allSatisfy(
            s ->
                assertThat(s.getAttributesList())
                    .noneMatch(
                        kv ->
                            kv.getValue().getStringValue().contains("X-Amz-Signature")
                                || kv.getValue().getStringValue().contains("traced.bin")));
    assertThat(attribute(server, "url.path")).isEqualTo("/v1/files/{path}");
    assertThat(trace)
        .as("every other span hangs off a span of the same trace")
        .filteredOn(s -> s != server)
        .allSatisfy(s -> assertThat(ids).contains(hex(s.getParentSpanId())));

    ILoggingEvent line =
        Eventually.await(
            "the access-log line of the upload",
            WAIT,
            () ->
                accessLog.stream()
                    .filter(e -> "PUT".equals(value(e, "method")))
                    .filter(e -> traceId.equals(value(e, "traceId")))
                    .findFirst()
                    .orElse(null));
    assertThat(value(line, "status")).isEqualTo(201);
  }

  @Test
  void a_request_without_traceparent_starts_its_own_trace_and_logs_its_id() {
    String token = node.token("user-" + UUID.randomUUID(), "laptop");
    Reply listed = api.get("/v1/list/", token);
    assertThat(listed.status()).isEqualTo(200);
    String requestId = listed.header("X-Request-Id");
    ILoggingEvent line =
        Eventually.await(
            "the access-log line of the listing",
            WAIT,
            () ->
                accessLog.stream()
                    .filter(e -> requestId.equals(value(e, "requestId")))
                    .findFirst()
                    .orElse(null));
    String traceId = (String) value(line, "traceId");
    assertThat(traceId).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
    Eventually.await(
        "the listing's server span is exported",
        WAIT,
        () -> inTrace(traceId).stream().anyMatch(TracingIT::isHttpServer));
  }

  private static boolean hasEveryHop(List<Span> trace) {
    return trace.stream().anyMatch(TracingIT::isHttpServer)
        && trace.stream().anyMatch(s -> attribute(s, "messaging.system").equals("vertx-eventbus"))
        && trace.stream().anyMatch(s -> attribute(s, "db.system").equals("postgresql"))
        && trace.stream()
            .anyMatch(
                s ->
                    s.getName().equals("S3 PutObject")
                        && attribute(s, "rpc.system").equals("aws-api"))
        && trace.stream()
            .anyMatch(
                s ->
                    s.getKind() == Span.SpanKind.SPAN_KIND_PRODUCER
                        && attribute(s, "peer.service").equals("kafka"));
  }

  private static boolean isHttpServer(Span span) {
    return span.getKind() == Span.SpanKind.SPAN_KIND_SERVER
        && !attribute(span, "http.request.method").isEmpty();
  }

  private static List<Span> inTrace(String traceId) {
    return spans.stream().filter(s -> hex(s.getTraceId()).equals(traceId)).toList();
  }

  private static String attribute(Span span, String key) {
    return span.getAttributesList().stream()
        .filter(kv -> kv.getKey().equals(key))
        .map(KeyValue::getValue)
        .map(v -> v.getStringValue())
        .findFirst()
        .orElse("");
  }

  private static Object value(ILoggingEvent event, String key) {
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    return pairs == null
        ? null
        : pairs.stream()
            .filter(p -> p.key.equals(key))
            .map(p -> p.value)
            .filter(Objects::nonNull)
            .findFirst()
            .orElse(null);
  }

  private static String hex(com.google.protobuf.ByteString bytes) {
    return HexFormat.of().formatHex(bytes.toByteArray());
  }

  private static String randomHex(int bytes) {
    byte[] random = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }
}
