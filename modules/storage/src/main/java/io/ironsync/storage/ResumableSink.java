package io.ironsync.storage;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * One stretch of a resumable upload: a sink that continues an object from a saved state and either
 * stops at a checkpoint, from which a later sink (on any node) continues, or ends the object.
 *
 * <p>The state is the store's own JSON; callers save it and hand it back unchanged. A sink only
 * ever adds to what its state describes, so a state saved earlier stays valid whatever happens to a
 * later sink: bytes written after the saved state and never checkpointed are simply not part of the
 * object.
 *
 * <ul>
 *   <li>{@link #checkpoint()} makes every byte written durable and returns the state after them.
 *       Once the caller has saved it, {@link ObjectStore#releaseSuperseded} frees what the previous
 *       state needed and the new one does not.
 *   <li>{@link #end()} completes the object under its key with every byte of the upload.
 *   <li>{@link #abort()} drops what this sink wrote since its state; the upload stays resumable
 *       from that state.
 * </ul>
 */
public interface ResumableSink extends BlobSink {

  /** A state for an upload that has stored nothing yet. */
  static JsonObject emptyState() {
    return new JsonObject().put("size", 0L);
  }

  /** How many bytes of the object a state holds. */
  static long storedBytes(JsonObject state) {
    return state.getLong("size", 0L);
  }

  /** Ends this sink without completing the object; the returned state continues after it. */
  Future<JsonObject> checkpoint();
}
