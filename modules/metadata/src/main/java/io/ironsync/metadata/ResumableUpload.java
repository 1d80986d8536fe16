package io.ironsync.metadata;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The durable state of one tus upload: what it becomes, how far it got, and what the storage and
 * upload layers need to carry on from there on any node.
 *
 * @param id a UUID in its canonical text form
 * @param userId the owner; no other user ever sees the upload
 * @param deviceId the device that created it, or null
 * @param path the file it becomes, or null for a partial upload of a concatenation
 * @param length the total length in bytes, or {@value #DEFERRED} while the client defers it
 * @param offset how many bytes are durable
 * @param storeState the storage layer's state of the bytes written so far; opaque here
 * @param digestState the upload layer's running digest, or null before the first checkpoint; opaque
 *     here
 * @param blobKey the storage key the content ends up under
 * @param uploadMetadata the raw tus {@code Upload-Metadata} header, or null
 * @param precondition null, {@code *} for {@code If-None-Match: *}, or the etag of an {@code
 *     If-Match} that the commit must honour
 * @param onConflict what the commit does when its precondition fails: {@code fail} or {@code copy}
 *     (a {@link ConflictMode} in lowercase)
 * @param partials the ids of the partial uploads a {@link Kind#FINAL} upload concatenates, in
 *     order; empty for the other kinds
 * @param expiresAt when the upload expires (tus {@code Upload-Expires}); fixed at creation
 * @param createdAt when the upload was created, by the database's clock
 * @param committedEtag the etag of the revision the upload was committed as, or null
 * @param committedRev that revision, or 0 while not committed
 */
public record ResumableUpload(
    String id,
    String userId,
    String deviceId,
    String path,
    long length,
    long offset,
    Kind kind,
    JsonObject storeState,
    byte[] digestState,
    String blobKey,
    String uploadMetadata,
    String precondition,
    String onConflict,
    List<String> partials,
    Instant expiresAt,
    Instant createdAt,
    String committedEtag,
    long committedRev) {

  /** The {@link #length()} of an upload whose client has not said how long it is yet. */
  public static final long DEFERRED = -1;

  /** The tus upload kinds: a plain upload, or the parts and the result of a concatenation. */
  public enum Kind {
    SINGLE,
    PARTIAL,
    FINAL
  }

  public ResumableUpload {
    // the record crosses the event bus by reference: nobody may share its mutable parts
    storeState = storeState == null ? null : storeState.copy();
    digestState = digestState == null ? null : digestState.clone();
    // null elements are kept, so that the check answers 400 rather than this throwing
    partials =
        partials == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(partials));
  }

  /** A copy of the digest state, or null. */
  @Override
  public byte[] digestState() {
    return digestState == null ? null : digestState.clone();
  }

  /** A copy of the storage state. */
  @Override
  public JsonObject storeState() {
    return storeState == null ? null : storeState.copy();
  }

  /** Field by field, comparing the digest state by content. */
  @Override
  public boolean equals(Object o) {
    return o instanceof ResumableUpload other
        && Objects.equals(id, other.id)
        && Objects.equals(userId, other.userId)
        && Objects.equals(deviceId, other.deviceId)
        && Objects.equals(path, other.path)
        && length == other.length
        && offset == other.offset
        && kind == other.kind
        && Objects.equals(storeState, other.storeState)
        && Arrays.equals(digestState, other.digestState)
        && Objects.equals(blobKey, other.blobKey)
        && Objects.equals(uploadMetadata, other.uploadMetadata)
        && Objects.equals(precondition, other.precondition)
        && Objects.equals(onConflict, other.onConflict)
        && partials.equals(other.partials)
        && Objects.equals(expiresAt, other.expiresAt)
        && Objects.equals(createdAt, other.createdAt)
        && Objects.equals(committedEtag, other.committedEtag)
        && committedRev == other.committedRev;
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, userId, offset, committedRev);
  }

  /** Without the opaque states, which may be large. */
  @Override
  public String toString() {
    return "ResumableUpload[id="
        + id
        + ", userId="
        + userId
        + ", path="
        + path
        + ", kind="
        + kind
        + ", length="
        + length
        + ", offset="
        + offset
        + ", expiresAt="
        + expiresAt
        + ", committedRev="
        + committedRev
        + "]";
  }

  public boolean committed() {
    return committedRev > 0;
  }

  public boolean lengthDeferred() {
    return length == DEFERRED;
  }
}
