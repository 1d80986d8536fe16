package io.ironsync.metadata;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Asks which of these storage keys metadata still refers to, as {@link
 * MetadataClient#referencedKeys} describes.
 *
 * @param storageKeys at most {@value #MAX_KEYS}
 */
public record ReferencedKeysQuery(List<String> storageKeys) {

  public static final int MAX_KEYS = 1000;

  public ReferencedKeysQuery {
    // null elements are kept, so that the check answers 400 rather than this throwing
    storageKeys =
        storageKeys == null ? null : Collections.unmodifiableList(new ArrayList<>(storageKeys));
  }
}
