package io.ironsync.metadata;

import java.util.List;

/**
 * @param stored the asked digests that this user stores (content of a live file or of a kept
 *     revision), in the order asked, each once. Other users' content never counts.
 */
public record HashLookupResult(List<String> stored) {

  public HashLookupResult {
    stored = List.copyOf(stored);
  }
}
