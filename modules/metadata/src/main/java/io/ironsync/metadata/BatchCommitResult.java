package io.ironsync.metadata;

import io.ironsync.domain.FileMeta;
import java.util.List;

/**
 * @param items one result per request item, in the request's order
 * @param changes the puts the batch journaled, in seq order: one per committed item
 */
public record BatchCommitResult(List<ItemResult> items, List<Change> changes) {

  public BatchCommitResult {
    items = List.copyOf(items);
    changes = List.copyOf(changes);
  }

  /**
   * What happened to one item.
   *
   * @param path the item's path; null when the item named none
   * @param status 201 created, 200 updated or unchanged, or the failure: 400 (malformed or a
   *     duplicate path in the batch), 404 (unknown content), 409 (path conflict), 412 (failed
   *     precondition), 507 (quota)
   * @param meta the head after the batch for 200 and 201; the live head, if any, for 412; else null
   * @param problemKey the failure's stable key; null on success
   * @param detail the failure's human-readable detail; null on success
   */
  public record ItemResult(
      String path, int status, FileMeta meta, String problemKey, String detail) {

    public boolean committed() {
      return status == 200 || status == 201;
    }
  }
}
