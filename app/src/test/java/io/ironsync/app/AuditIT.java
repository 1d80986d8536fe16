package io.ironsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ironsync.app.ApiClient.Transport;
import io.ironsync.testkit.Eventually;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The audit stream names who did what to which file, from which device and address. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AuditIT {

  @TempDir Path dataDir;

  private static Map<String, Object> fields(ILoggingEvent event) {
    Map<String, Object> fields = new HashMap<>();
    event.getKeyValuePairs().forEach(pair -> fields.put(pair.key, pair.value));
    return fields;
  }

  @Test
  void writes_reads_deletes_and_refusals_are_audited_with_user_device_and_address() {
    Logger audit = (Logger) LoggerFactory.getLogger("ironsync.audit");
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    audit.addAppender(events);
    try (TestGateway node = TestGateway.start(TestGateway.Store.LOCAL, dataDir);
        ApiClient api = new ApiClient(Transport.HTTP1, node)) {
      String token = node.token("auditor-alice", "alice-phone");
      api.put("/v1/files/secret/plan.txt", token, "content never logged");
      api.get("/v1/files/secret/plan.txt", token);
      api.call(HttpMethod.DELETE, "/v1/files/secret/plan.txt", token);
      api.get("/v1/files/secret/plan.txt", node.token("auditor-mallory", "laptop"));
      api.get("/v1/changes", token);

      Eventually.await("four events", Duration.ofSeconds(10), () -> events.list.size() >= 4);
      List<Map<String, Object>> recorded = events.list.stream().map(AuditIT::fields).toList();

      assertThat(recorded)
          .extracting(f -> f.get("action"), f -> f.get("user"), f -> f.get("status"))
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("write", "auditor-alice", 201),
              org.assertj.core.groups.Tuple.tuple("read", "auditor-alice", 200),
              org.assertj.core.groups.Tuple.tuple("delete", "auditor-alice", 204),
              org.assertj.core.groups.Tuple.tuple("read", "auditor-mallory", 404));
      assertThat(recorded.get(0))
          .containsEntry("device", "alice-phone")
          .containsEntry("address", "127.0.0.1")
          .containsEntry("path", "/v1/files/secret/plan.txt")
          .containsKey("requestId");
      assertThat(events.list)
          .allSatisfy(
              event ->
                  assertThat(event.getFormattedMessage() + fields(event))
                      .doesNotContain("content never logged")
                      .doesNotContain(token));
    } finally {
      audit.detachAppender(events);
    }
  }
}
