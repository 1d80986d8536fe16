package io.ironsync.metadata;

import java.util.Set;

/** The asked storage keys that metadata refers to. */
public record ReferencedKeys(Set<String> keys) {

  public ReferencedKeys {
    keys = Set.copyOf(keys);
  }
}
