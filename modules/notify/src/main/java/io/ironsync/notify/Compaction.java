package io.ironsync.notify;

import io.ironsync.metadata.Change;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Shrinks a run of journal entries to what a device needs to reach the same state: an entry is left
 * out when every path it affects is affected again later in the run. A put or delete affects its
 * path; a move affects both its paths (the file is gone from {@code from} and {@code path} holds
 * the described content), so a move stays unless both are overwritten later. Order is kept, and
 * applying the result gives the same state as applying the whole run.
 */
public final class Compaction {

  private Compaction() {}

  public static List<Change> compact(List<Change> run) {
    if (run.size() < 2) {
      return run;
    }
    Map<String, Integer> lastTouch = new HashMap<>();
    for (int i = 0; i < run.size(); i++) {
      Change change = run.get(i);
      lastTouch.put(change.path(), i);
      if (change.from() != null) {
        lastTouch.put(change.from(), i);
      }
    }
    List<Change> kept = new ArrayList<>(Math.min(run.size(), lastTouch.size()));
    for (int i = 0; i < run.size(); i++) {
      Change change = run.get(i);
      boolean last = lastTouch.get(change.path()) == i;
      boolean lastForSource = change.from() != null && lastTouch.get(change.from()) == i;
      if (last || lastForSource) {
        kept.add(change);
      }
    }
    return kept;
  }
}
