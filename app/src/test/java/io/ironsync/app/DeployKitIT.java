package io.ironsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.ironsync.app.ApiClient.Transport;
import io.ironsync.testkit.TestKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What ships under {@code deploy/} matches the gateway: every metric the alert rules and the
 * Grafana dashboard query is exported by a running node (with Kafka, so the relay's metrics exist
 * too), and the rule files pass {@code promtool}.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DeployKitIT {

  private static final Path DEPLOY = Path.of("..", "deploy");
  private static final Path RULES = DEPLOY.resolve("prometheus/ironsync.rules.yml");
  private static final Path SCRAPE_CONFIG = DEPLOY.resolve("prometheus/prometheus.yml");
  private static final Path DASHBOARD = DEPLOY.resolve("grafana/ironsync-dashboard.json");

  /** Metric names as exporters spell them; rule names (with ':') and functions do not match. */
  private static final Pattern METRIC =
      Pattern.compile("\\b((?:ironsync|vertx|jvm|process|system)_[a-z0-9_]+)\\b");

  @TempDir Path dataDir;

  private static List<String> ruleExpressions() throws IOException {
    List<String> expressions = new ArrayList<>();
    for (JsonNode group : new YAMLMapper().readTree(RULES.toFile()).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        expressions.add(rule.path("expr").asText());
      }
    }
    return expressions;
  }

  private static List<String> dashboardExpressions() throws IOException {
    List<String> expressions = new ArrayList<>();
    for (JsonNode panel : new ObjectMapper().readTree(DASHBOARD.toFile()).path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        expressions.add(target.path("expr").asText());
      }
    }
    return expressions;
  }

  private static Set<String> metricsIn(List<String> expressions) {
    Set<String> names = new TreeSet<>();
    for (String expression : expressions) {
      Matcher matcher = METRIC.matcher(expression);
      while (matcher.find()) {
        names.add(matcher.group(1));
      }
    }
    return names;
  }

  @Test
  void every_metric_the_alerts_and_the_dashboard_query_is_exported() throws Exception {
    List<String> expressions = new ArrayList<>(ruleExpressions());
    expressions.addAll(dashboardExpressions());
    Set<String> queried = metricsIn(expressions);
    assertThat(queried)
        .as("the rules and the dashboard query metrics at all")
        .hasSizeGreaterThan(20);

    Map<String, String> kafka =
        Map.of(
            "kafka.bootstrap-servers",
            TestKafka.shared().bootstrapServers(),
            "kafka.topic",
            "changes-" + UUID.randomUUID());
    try (TestGateway node = TestGateway.start(TestGateway.Store.S3, dataDir, kafka);
        ApiClient api = new ApiClient(Transport.HTTP1, node)) {
      String token = node.token("operator", "laptop");
      // a write, a read and a failed request, so the per-request series exist
      api.put("/v1/files/probe.txt", token, "probe");
      api.get("/v1/files/probe.txt", token);
      api.get("/v1/files/missing.txt", token);
      String scrape = Scrape.get(node.managementPort(), "/metrics");
      Set<String> exported =
          scrape
              .lines()
              .filter(line -> !line.startsWith("#") && !line.isBlank())
              .map(line -> line.replaceAll("[{ ].*", ""))
              .collect(Collectors.toCollection(TreeSet::new));

      assertThat(exported).as("metrics the rules and the dashboard query").containsAll(queried);
      assertThat(scrape)
          .as("the sync SLO's 5 s bucket")
          .containsPattern("ironsync_push_delivery_latency_seconds_bucket\\{[^}]*le=\"5\\.0\"");
    }
  }

  @Test
  void the_rules_and_the_scrape_configuration_pass_promtool() throws Exception {
    Path promtool = Promtool.locate();

    for (List<String> check :
        List.of(
            List.of("check", "rules", RULES.toString()),
            List.of("check", "config", SCRAPE_CONFIG.toString()))) {
      List<String> command = new ArrayList<>(List.of(promtool.toString()));
      command.addAll(check);
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + output).isZero();
      assertThat(output).contains("SUCCESS");
    }
  }

  @Test
  void the_dashboard_is_grafana_json_with_a_prometheus_datasource() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
    assertThat(dashboard.path("title").asText()).isEqualTo("IronSync");
    assertThat(dashboard.path("uid").asText()).isNotBlank();
    assertThat(dashboard.path("panels").size()).isGreaterThan(20);
    assertThat(dashboardExpressions()).allSatisfy(expr -> assertThat(expr).isNotBlank());
  }
}
