package io.ironsync.sync.impl;

import io.ironsync.domain.ApiException;
import io.ironsync.metadata.Change;
import io.ironsync.sync.Cursor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** The JSON both push transports carry. */
final class Notifications {

  private Notifications() {}

  /** One notification: its last seq (the SSE event id), the changes, and the cursor after them. */
  static JsonObject changes(String userId, List<Change> changes) {
    long last = changes.get(changes.size() - 1).seq();
    JsonArray list = new JsonArray();
    changes.forEach(change -> list.add(change.toJson()));
    return new JsonObject()
        .put("seq", last)
        .put("changes", list)
        .put("cursor", Cursor.journal(last).encode(userId));
  }

  /** The first message: where the stream starts, as a seq and as a /v1/changes cursor. */
  static JsonObject ready(String userId, long position) {
    return new JsonObject()
        .put("seq", position)
        .put("cursor", Cursor.journal(position).encode(userId));
  }

  /** Why the stream ends; {@code reset} when the device must list its state again. */
  static JsonObject problem(ApiException reason) {
    return new JsonObject()
        .put("status", reason.status())
        .put("type", "urn:ironsync:problem:" + reason.key())
        .put("detail", reason.detail())
        .put("reset", reason.status() == 410);
  }
}
