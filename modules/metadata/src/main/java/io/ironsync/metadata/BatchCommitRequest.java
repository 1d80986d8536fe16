package io.ironsync.metadata;

import io.ironsync.domain.Caller;
import io.ironsync.domain.FilePath;
import java.util.List;

/**
 * Commits many files in one transaction. Each item is decided on its own, in order: a failing item
 * fails alone and the others are committed (see {@link BatchCommitResult.ItemResult}). Quota is
 * checked cumulatively, item after item. At most {@value #MAX_ITEMS} items.
 *
 * @param quotaBytes as for {@link CommitRequest#quotaBytes()}
 */
public record BatchCommitRequest(Caller caller, List<BatchItem> items, long quotaBytes) {

  public static final int MAX_ITEMS = 1000;

  /**
   * One file of a batch.
   *
   * @param blobKey where the bytes are stored; null to reuse content this user already stores with
   *     this digest (an unknown digest fails the item with 404 {@code unknown-content})
   * @param size the content's size in bytes; with a null {@code blobKey}, that of the stored
   *     content
   * @param sha256 hex SHA-256 of the content
   */
  public record BatchItem(
      FilePath path, String blobKey, long size, String sha256, Precondition precondition) {}
}
