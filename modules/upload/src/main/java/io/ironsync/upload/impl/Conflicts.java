package io.ironsync.upload.impl;

import io.ironsync.domain.ApiException;
import io.ironsync.metadata.BatchCommitRequest.BatchItem;
import io.ironsync.metadata.BatchCommitResult;
import io.ironsync.metadata.Change;
import io.ironsync.metadata.CommitResult;
import io.ironsync.metadata.Precondition;
import io.ironsync.observability.UploadMetrics;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Counts writes that met a newer revision than the one they were based on, alike for a PUT, the
 * last PATCH of a resumable upload and each file of a batch: refused with 412 ({@code rejected}),
 * saved as a conflict copy ({@code copied}), or carrying the content the head has already ({@code
 * identical}).
 */
public final class Conflicts {

  private Conflicts() {}

  /** A commit went through; {@code precondition} is what the write was based on. */
  public static void committed(
      UploadMetrics metrics, Precondition precondition, CommitResult result) {
    if (result.outcome() == CommitResult.Outcome.CONFLICT_COPY) {
      metrics.conflict("copied");
    } else if (result.outcome() == CommitResult.Outcome.UNCHANGED
        && basedOnAnother(precondition, result.meta().etag())) {
      metrics.conflict("identical");
    }
  }

  /** A write failed; a failed precondition is a conflict refused. */
  public static void failed(UploadMetrics metrics, Throwable failure) {
    if (failure instanceof ApiException api && api.status() == 412) {
      metrics.conflict("rejected");
    }
  }

  /** Each file of a committed batch: {@code items} and the result's items are in the same order. */
  public static void batch(UploadMetrics metrics, List<BatchItem> items, BatchCommitResult result) {
    Set<String> journaled = result.changes().stream().map(Change::path).collect(Collectors.toSet());
    for (int i = 0; i < items.size() && i < result.items().size(); i++) {
      BatchCommitResult.ItemResult item = result.items().get(i);
      if (item.status() == 412) {
        metrics.conflict("rejected");
      } else if (item.committed()
          && !journaled.contains(item.path())
          && basedOnAnother(items.get(i).precondition(), item.meta().etag())) {
        metrics.conflict("identical");
      }
    }
  }

  /** The write named a revision, and it is not the head's. */
  private static boolean basedOnAnother(Precondition precondition, String headEtag) {
    return precondition instanceof Precondition.IfMatch match
        && !match.etag().equals("*")
        && !match.etag().equals(headEtag);
  }
}
