package io.ironsync.metadata;

import java.util.List;

/**
 * @param changes the journal entries read, in seq order, not compacted
 * @param headSeq the seq of the user's newest entry when the page was read; 0 for a user who never
 *     wrote
 * @param floorSeq entries at or below this seq have been pruned
 */
public record ChangesPage(List<Change> changes, long headSeq, long floorSeq) {

  /** The seq the next page starts after. */
  public long lastSeq(long afterSeq) {
    return changes.isEmpty() ? afterSeq : changes.get(changes.size() - 1).seq();
  }

  public boolean hasMore(long afterSeq) {
    return lastSeq(afterSeq) < headSeq;
  }
}
