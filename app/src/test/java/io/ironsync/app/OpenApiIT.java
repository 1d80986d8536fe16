package io.ironsync.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.ironsync.app.ApiClient.Reply;
import io.ironsync.app.ApiClient.Transport;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document the gateway serves describes exactly the routes it has: a route the document
 * lacks, or a documented operation no route serves, fails here.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class OpenApiIT {

  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "head", "options", "patch");

  @TempDir Path dataDir;

  @Test
  void the_served_document_and_the_routes_match_exactly() throws Exception {
    try (TestGateway node = TestGateway.start(TestGateway.Store.LOCAL, dataDir);
        ApiClient api = new ApiClient(Transport.HTTP1, node)) {
      Reply served = api.call(HttpMethod.GET, "/v1/openapi.yaml", null);
      assertThat(served.status()).isEqualTo(200);
      assertThat(served.header("Content-Type")).isEqualTo("application/yaml");

      JsonNode document = new YAMLMapper().readTree(served.body().getBytes());
      assertThat(document.path("openapi").asText()).startsWith("3.1");
      SortedSet<String> documented = new TreeSet<>();
      Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields();
      while (paths.hasNext()) {
        Map.Entry<String, JsonNode> path = paths.next();
        path.getValue()
            .fieldNames()
            .forEachRemaining(
                field -> {
                  if (METHODS.contains(field)) {
                    documented.add(field.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey());
                  }
                });
      }

      assertThat(documented)
          .as("documented operations (left) against the gateway's routes")
          .containsExactlyElementsOf(node.gateway.routes());
    }
  }
}
