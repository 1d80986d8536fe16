package io.ironsync.metadata;

import java.util.List;

/**
 * @param storageKeysToDelete objects whose metadata is gone now that this step has committed; the
 *     caller deletes them. Nothing refers to them any more, so deleting them later (or failing to)
 *     never leaves metadata pointing at missing bytes.
 * @param versionsRemoved superseded versions removed in this step
 * @param journalRowsRemoved journal rows pruned in this step; each user's journal floor rose to the
 *     highest seq pruned of theirs
 * @param more whether a step hit its row limit, so another step may find more work
 */
public record RetentionSweepResult(
    List<String> storageKeysToDelete, long versionsRemoved, long journalRowsRemoved, boolean more) {

  public RetentionSweepResult {
    storageKeysToDelete = List.copyOf(storageKeysToDelete);
  }
}
