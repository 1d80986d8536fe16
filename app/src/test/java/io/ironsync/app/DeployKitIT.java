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
  private static final Path KUBERNETES = DEPLOY.resolve("kubernetes/ironsync.yaml");
  private static final Path COMPOSE = DEPLOY.resolve("compose/docker-compose.yml");

  /** The Kubernetes objects, one per YAML document. */
  private static List<JsonNode> kubernetesObjects() throws IOException {
    List<JsonNode> objects = new ArrayList<>();
    YAMLMapper yaml = new YAMLMapper();
    try (var parser = yaml.getFactory().createParser(KUBERNETES.toFile())) {
      var documents = yaml.readValues(parser, JsonNode.class);
      while (documents.hasNext()) {
        objects.add(documents.next());
      }
    }
    return objects;
  }

  private static JsonNode kubernetesObject(String kind) throws IOException {
    return kubernetesObjects().stream()
        .filter(o -> o.path("kind").asText().equals(kind))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " in " + KUBERNETES));
  }

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
    // the autoscaler's custom metric
    for (JsonNode metric :
        kubernetesObject("HorizontalPodAutoscaler").path("spec").path("metrics")) {
      if (metric.has("pods")) {
        queried.add(metric.path("pods").path("metric").path("name").asText());
      }
    }
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
      // GC pause series appear with the first collection, which a node that ran for a while has
      // had; the node runs in this JVM, so one is asked for
      System.gc();
      String scrape = Scrape.get(node.managementPort(), "/metrics");
      Set<String> exported =
          scrape
              .lines()
              .filter(line -> !line.startsWith("#") && !line.isBlank())
              .map(line -> line.replaceAll("[{ ].*", ""))
              .collect(Collectors.toCollection(TreeSet::new));

      assertThat(exported)
          .as("metrics the rules, the dashboard and the autoscaler query")
          .containsAll(queried);
      for (JsonNode probe :
          List.of(
              kubernetesObject("Deployment").at("/spec/template/spec/containers/0/readinessProbe"),
              kubernetesObject("Deployment")
                  .at("/spec/template/spec/containers/0/livenessProbe"))) {
        assertThat(Scrape.status(node.managementPort(), probe.at("/httpGet/path").asText()))
            .as("the probe " + probe.at("/httpGet/path").asText() + " on the management port")
            .isEqualTo(200);
      }
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

  @Test
  void the_kubernetes_deployment_drains_within_its_grace_and_its_configuration_loads()
      throws Exception {
    JsonNode pod = kubernetesObject("Deployment").at("/spec/template/spec");
    JsonNode config = kubernetesObject("ConfigMap").path("data").path("ironsync.yaml");
    Path file = dataDir.resolve("ironsync.yaml");
    Files.writeString(file, config.asText());
    Map<String, String> secrets = new java.util.HashMap<>();
    for (JsonNode variable : pod.at("/containers/0/env")) {
      secrets.put(
          variable.path("name").asText(),
          switch (variable.path("name").asText()) {
            case "IRONSYNC_PG_URL" -> "postgresql://u:p@db:5432/ironsync";
            case "IRONSYNC_S3_ENDPOINT" -> "http://minio:9000";
            case "IRONSYNC_KAFKA_BOOTSTRAP_SERVERS" -> "kafka:9092";
            case "IRONSYNC_AUTH_JWT_HS256_SECRET" -> TestGateway.SECRET;
            default -> "value";
          });
    }

    io.ironsync.config.IronSyncConfig loaded = io.ironsync.config.ConfigLoader.load(file, secrets);

    long preStop = pod.at("/containers/0/lifecycle/preStop/sleep/seconds").asLong();
    long grace = pod.path("terminationGracePeriodSeconds").asLong();
    assertThat(preStop + loaded.shutdownGracePeriod().toSeconds())
        .as("preStop plus the gateway's grace period fit the pod's termination grace")
        .isLessThan(grace);
    assertThat(pod.at("/containers/0/ports").findValuesAsText("containerPort"))
        .contains(
            Integer.toString(loaded.http().port()), Integer.toString(loaded.management().port()));
  }

  @Test
  void the_compose_topology_mounts_files_that_exist() throws Exception {
    JsonNode compose = new YAMLMapper().readTree(COMPOSE.toFile());
    assertThat(compose.path("services").fieldNames())
        .toIterable()
        .contains(
            "postgres",
            "minio",
            "kafka",
            "redis",
            "ironsync-1",
            "ironsync-2",
            "loadbalancer",
            "prometheus",
            "grafana");
    for (JsonNode service : compose.path("services")) {
      for (JsonNode volume : service.path("volumes")) {
        String source = volume.asText().split(":")[0];
        if (source.startsWith(".")) {
          assertThat(COMPOSE.getParent().resolve(source)).as(volume.asText()).exists();
        }
      }
    }
  }
}
