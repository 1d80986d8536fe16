package io.ironsync.metadata;

import java.util.List;

/**
 * Told about every change once its transaction has committed, in the order of the user's writes on
 * this verticle instance. Called on the metadata verticle's event loop: it must not block. A change
 * it fails to pass on is not lost: it stays in the journal, where devices find it by cursor.
 */
@FunctionalInterface
public interface ChangeListener {

  ChangeListener NONE = (userId, changes) -> {};

  void changed(String userId, List<Change> changes);
}
