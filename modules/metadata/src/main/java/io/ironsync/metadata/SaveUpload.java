package io.ironsync.metadata;

import io.vertx.core.json.JsonObject;

/**
 * The checkpoint of one PATCH of a resumable upload, as {@link MetadataClient#saveUpload}
 * describes.
 *
 * @param owner the lease owner that wrote the bytes
 * @param expectedOffset the offset the PATCH started from, which must still be the stored one
 * @param newOffset the offset the bytes now reach; not below {@code expectedOffset}
 * @param length the upload's length when the client has just told it, or {@link
 *     ResumableUpload#DEFERRED} to keep the stored one
 * @param storeState replaces the stored storage state
 * @param digestState replaces the stored digest state; null stores none
 * @param release whether the lease ends with this checkpoint
 */
public record SaveUpload(
    String userId,
    String id,
    String owner,
    long expectedOffset,
    long newOffset,
    long length,
    JsonObject storeState,
    byte[] digestState,
    boolean release) {

  public SaveUpload {
    storeState = storeState == null ? null : storeState.copy();
    digestState = digestState == null ? null : digestState.clone();
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
}
