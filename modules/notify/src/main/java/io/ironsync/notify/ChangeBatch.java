package io.ironsync.notify;

import io.ironsync.metadata.Change;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;

/**
 * The changes one write committed for one user, as they travel to push clients: on the event bus
 * inside a node and as one Kafka record between nodes.
 *
 * @param origin the node that committed them, so it can skip its own batches coming back from Kafka
 */
public record ChangeBatch(String userId, List<Change> changes, String origin) {

  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    changes.forEach(change -> list.add(change.toJson()));
    return new JsonObject().put("user", userId).put("origin", origin).put("changes", list);
  }

  /**
   * The inverse of {@link #toJson()}.
   *
   * @throws RuntimeException when the JSON is not a change batch (a field missing or of the wrong
   *     type)
   */
  public static ChangeBatch fromJson(JsonObject json) {
    JsonArray list = Objects.requireNonNull(json.getJsonArray("changes"), "changes");
    return new ChangeBatch(
        Objects.requireNonNull(json.getString("user"), "user"),
        list.stream().map(entry -> Change.fromJson((JsonObject) entry)).toList(),
        Objects.requireNonNull(json.getString("origin"), "origin"));
  }
}
