package io.ironsync.metadata;

import io.ironsync.domain.FileMeta;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One entry of a user's change journal: what a device applies to converge.
 *
 * @param seq the entry's position in the user's journal; gapless and increasing per user
 * @param from for a move, the path the file left; otherwise null
 * @param size null for a delete
 * @param sha256 lowercase hex; null for a delete
 * @param etag null for a delete
 * @param conflictOf for a conflict copy, the path of the file the update conflicted with
 */
public record Change(
    long seq,
    Op op,
    String path,
    String from,
    long rev,
    Long size,
    String sha256,
    String etag,
    String deviceId,
    Instant ts,
    String conflictOf) {

  public enum Op {
    PUT,
    DELETE,
    MOVE;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Op fromWire(String name) {
      return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }
  }

  /**
   * The put that made {@code meta} the head of its path.
   *
   * @param conflictOf for a conflict copy, the path it conflicted with; otherwise null
   */
  public static Change put(long seq, FileMeta meta, String conflictOf) {
    return new Change(
        seq,
        Op.PUT,
        meta.path(),
        null,
        meta.rev(),
        meta.size(),
        meta.sha256(),
        meta.etag(),
        meta.deviceId(),
        meta.modified(),
        conflictOf);
  }

  /** The move of a file from {@code from} to where {@code meta}, its new revision, lives. */
  public static Change move(long seq, String from, FileMeta meta) {
    return new Change(
        seq,
        Op.MOVE,
        meta.path(),
        from,
        meta.rev(),
        meta.size(),
        meta.sha256(),
        meta.etag(),
        meta.deviceId(),
        meta.modified(),
        null);
  }

  /** The public form used by {@code /v1/changes} and the push transports; absent fields omitted. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("seq", seq).put("op", op.wireName()).put("path", path);
    if (from != null) {
      json.put("from", from);
    }
    json.put("rev", rev);
    if (size != null) {
      json.put("size", size).put("sha256", sha256).put("etag", etag);
    }
    json.put("deviceId", deviceId).put("ts", ts.toString());
    if (conflictOf != null) {
      json.put("conflictOf", conflictOf);
    }
    return json;
  }

  /** The inverse of {@link #toJson()}, for events that crossed nodes. */
  public static Change fromJson(JsonObject json) {
    return new Change(
        json.getLong("seq"),
        Op.fromWire(json.getString("op")),
        json.getString("path"),
        json.getString("from"),
        json.getLong("rev"),
        json.getLong("size"),
        json.getString("sha256"),
        json.getString("etag"),
        json.getString("deviceId"),
        Instant.parse(json.getString("ts")),
        json.getString("conflictOf"));
  }
}
