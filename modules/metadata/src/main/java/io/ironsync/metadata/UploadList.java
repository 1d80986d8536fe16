package io.ironsync.metadata;

import java.util.List;

/** Resumable uploads, as one event-bus reply. */
public record UploadList(List<ResumableUpload> uploads) {

  public UploadList {
    uploads = List.copyOf(uploads);
  }
}
