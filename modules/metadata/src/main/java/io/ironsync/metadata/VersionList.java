package io.ironsync.metadata;

import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

/**
 * @param versions the revisions on this page, newest first; retention may have removed older ones
 * @param nextBeforeRev where the next page starts; empty on the last page
 */
public record VersionList(List<Version> versions, OptionalLong nextBeforeRev) {

  public VersionList {
    versions = List.copyOf(versions);
  }

  /**
   * One revision of a file: content, or a tombstone when the file was deleted (or moved away).
   *
   * @param size null for a tombstone
   * @param sha256 lowercase hex; null for a tombstone
   * @param etag null for a tombstone
   */
  public record Version(
      long rev,
      Long size,
      String sha256,
      String etag,
      Instant modified,
      String deviceId,
      boolean deleted) {}
}
