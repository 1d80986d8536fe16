package io.ironsync.metadata;

import java.util.List;

/**
 * @param changes one {@link Change.Op#MOVE} per moved file, in path order with consecutive seqs;
 *     empty when the moved folder held no live file
 */
public record MoveResult(List<Change> changes) {

  public MoveResult {
    changes = List.copyOf(changes);
  }
}
