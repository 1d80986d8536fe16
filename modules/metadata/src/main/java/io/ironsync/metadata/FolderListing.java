package io.ironsync.metadata;

import io.ironsync.domain.FileMeta;
import java.util.List;
import java.util.Optional;

/**
 * @param entries the children on this page
 * @param nextPageToken opaque token for the next page; empty on the last page
 */
public record FolderListing(List<Entry> entries, Optional<String> nextPageToken) {

  /**
   * A child: a sub-folder ({@code file} is null) or a live file.
   *
   * @param path the child's full path
   */
  public record Entry(String name, String path, boolean folder, FileMeta file) {}
}
