package io.ironsync.metadata.impl;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.Caller;
import io.ironsync.domain.FilePath;
import io.ironsync.metadata.BatchCommitRequest;
import io.ironsync.metadata.ChangesRequest;
import io.ironsync.metadata.CommitRequest;
import io.ironsync.metadata.DeleteRequest;
import io.ironsync.metadata.FileQuery;
import io.ironsync.metadata.HashLookupRequest;
import io.ironsync.metadata.ListRequest;
import io.ironsync.metadata.MoveRequest;
import io.ironsync.metadata.Precondition;
import io.ironsync.metadata.RestoreRequest;
import io.ironsync.metadata.RetentionSweepRequest;
import io.ironsync.metadata.SnapshotRequest;
import io.ironsync.metadata.UsageQuery;
import io.ironsync.metadata.VersionsRequest;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Checks requests before they reach the database. Callers are our own modules, so a failure here is
 * a bug upstream; it still answers 400 rather than storing something malformed.
 */
final class Requests {

  static final int MAX_LIST_LIMIT = 1000;

  /** Enough for a large backlog per step while keeping each retention transaction short. */
  static final int MAX_RETENTION_ROWS = 100_000;

  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
  private static final Pattern LOWERCASE_SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  private Requests() {}

  static void check(CommitRequest request) {
    checkCaller(request.caller());
    checkFile(request.path());
    if (request.blobKey() == null || request.blobKey().isBlank()) {
      throw ApiException.badRequest("invalid-commit", "a commit needs the blob's storage key");
    }
    checkContent(request.size(), request.sha256());
    checkQuota(request.quotaBytes());
  }

  /** The digest in the one form that is stored and compared: lowercase hex. */
  static String sha256(CommitRequest request) {
    return lowercase(request.sha256());
  }

  static String lowercase(String sha256) {
    return sha256.toLowerCase(Locale.ROOT);
  }

  static void check(MoveRequest request) {
    checkCaller(request.caller());
    if (request.from() == null || request.from().isRoot()) {
      throw ApiException.badRequest("invalid-path", "a move needs a source; the root cannot move");
    }
    if (request.to() == null || request.to().isRoot()) {
      throw ApiException.badRequest("invalid-path", "a move needs a target other than the root");
    }
    if (request.from().equals(request.to())) {
      throw ApiException.badRequest(
          "same-path", "'" + request.from() + "' cannot move onto itself");
    }
    if (request.precondition() == null
        || request.precondition() instanceof Precondition.IfNoneExists) {
      throw ApiException.badRequest(
          "invalid-precondition", "a move takes no precondition or If-Match on the source");
    }
  }

  static void check(VersionsRequest request) {
    checkUser(request.userId());
    checkFile(request.path());
    checkLimit(request.limit(), 1);
    if (request.beforeRev() == null) {
      throw ApiException.badRequest(
          "invalid-query", "beforeRev must be present or empty, not null");
    }
    if (request.beforeRev().isPresent() && request.beforeRev().getAsLong() < 1) {
      throw ApiException.badRequest(
          "invalid-rev", "revisions start at 1, got " + request.beforeRev().getAsLong());
    }
  }

  static void check(RestoreRequest request) {
    checkCaller(request.caller());
    checkFile(request.path());
    if (request.rev() < 1) {
      throw ApiException.badRequest("invalid-rev", "revisions start at 1, got " + request.rev());
    }
    checkQuota(request.quotaBytes());
  }

  static void check(BatchCommitRequest request) {
    checkCaller(request.caller());
    if (request.items() == null || request.items().isEmpty()) {
      throw ApiException.badRequest("invalid-batch", "a batch needs at least one item");
    }
    if (request.items().size() > BatchCommitRequest.MAX_ITEMS) {
      throw ApiException.badRequest(
          "batch-too-large",
          "a batch takes at most "
              + BatchCommitRequest.MAX_ITEMS
              + " items, this one has "
              + request.items().size());
    }
    checkQuota(request.quotaBytes());
  }

  /**
   * An item of a batch fails on its own, so its problem is returned rather than thrown.
   *
   * @return the 400 for a malformed item, or null
   */
  static ApiException problem(BatchCommitRequest.BatchItem item) {
    try {
      if (item == null) {
        throw ApiException.badRequest("invalid-item", "the item is null");
      }
      checkFile(item.path());
      if (item.blobKey() != null && item.blobKey().isBlank()) {
        throw ApiException.badRequest(
            "invalid-commit",
            "a blob key must name the stored object, or be null to reuse content");
      }
      checkContent(item.size(), item.sha256());
      if (item.precondition() == null) {
        throw ApiException.badRequest(
            "invalid-precondition", "the precondition must be NONE rather than null");
      }
      return null;
    } catch (ApiException e) {
      return e;
    }
  }

  static void check(HashLookupRequest request) {
    checkUser(request.userId());
    if (request.sha256() == null) {
      throw ApiException.badRequest("invalid-digests", "the lookup needs a list of digests");
    }
    if (request.sha256().size() > HashLookupRequest.MAX_DIGESTS) {
      throw ApiException.badRequest(
          "too-many-digests",
          "a lookup takes at most "
              + HashLookupRequest.MAX_DIGESTS
              + " digests, this one has "
              + request.sha256().size());
    }
    for (String digest : request.sha256()) {
      if (digest == null || !LOWERCASE_SHA256_HEX.matcher(digest).matches()) {
        throw ApiException.badRequest(
            "invalid-sha256", "a digest must be 64 lowercase hex digits, got '" + digest + "'");
      }
    }
  }

  static void check(RetentionSweepRequest request) {
    if (request.versionsOlderThan() == null || request.journalOlderThan() == null) {
      throw ApiException.badRequest("invalid-retention", "retention needs both cut-off instants");
    }
    if (request.maxRows() < 1 || request.maxRows() > MAX_RETENTION_ROWS) {
      throw ApiException.badRequest(
          "invalid-retention",
          "maxRows must be between 1 and " + MAX_RETENTION_ROWS + ", got " + request.maxRows());
    }
  }

  private static void checkContent(long size, String sha256) {
    if (size < 0) {
      throw ApiException.badRequest("invalid-commit", "size " + size + " is negative");
    }
    if (sha256 == null || !SHA256_HEX.matcher(sha256).matches()) {
      throw ApiException.badRequest(
          "invalid-sha256", "sha256 must be 64 hex digits, got '" + sha256 + "'");
    }
  }

  private static void checkQuota(long quotaBytes) {
    if (quotaBytes < 0) {
      throw ApiException.badRequest(
          "invalid-quota", "quota " + quotaBytes + " is negative; 0 means no quota");
    }
  }

  static void check(DeleteRequest request) {
    checkCaller(request.caller());
    checkFile(request.path());
  }

  static void check(FileQuery query) {
    checkUser(query.userId());
    checkFile(query.path());
    if (query.rev() == null) {
      throw ApiException.badRequest("invalid-query", "rev must be present or empty, not null");
    }
    if (query.rev().isPresent() && query.rev().getAsLong() < 1) {
      throw ApiException.badRequest(
          "invalid-rev", "revisions start at 1, got " + query.rev().getAsLong());
    }
  }

  static void check(UsageQuery query) {
    checkUser(query.userId());
  }

  static void check(ListRequest request) {
    checkUser(request.userId());
    if (request.folder() == null) {
      throw ApiException.badRequest("invalid-path", "a listing needs a folder (the root is '')");
    }
    if (request.pageToken() == null) {
      throw ApiException.badRequest(
          "invalid-query", "pageToken must be present or empty, not null");
    }
    checkLimit(request.limit(), 1);
  }

  static void check(ChangesRequest request) {
    checkUser(request.userId());
    boolean headOnly = request.afterSeq() == ChangesRequest.NO_POSITION && request.limit() == 0;
    if (request.afterSeq() < 0 && !headOnly) {
      throw ApiException.badRequest(
          "invalid-cursor", "journal positions start at 0, got " + request.afterSeq());
    }
    checkLimit(request.limit(), 0);
  }

  static void check(SnapshotRequest request) {
    checkUser(request.userId());
    if (request.afterPath() == null) {
      throw ApiException.badRequest("invalid-cursor", "afterPath must be a path or '', not null");
    }
    checkLimit(request.limit(), 1);
  }

  private static void checkLimit(int limit, int min) {
    if (limit < min || limit > MAX_LIST_LIMIT) {
      throw ApiException.badRequest(
          "invalid-limit",
          "limit must be between " + min + " and " + MAX_LIST_LIMIT + ", got " + limit);
    }
  }

  private static void checkCaller(Caller caller) {
    if (caller == null) {
      throw ApiException.badRequest("invalid-caller", "the request names no caller");
    }
    checkUser(caller.userId());
  }

  private static void checkUser(String userId) {
    if (userId == null || userId.isEmpty()) {
      throw ApiException.badRequest("invalid-caller", "the request names no user");
    }
  }

  private static void checkFile(FilePath path) {
    if (path == null || path.isRoot()) {
      throw ApiException.badRequest("invalid-path", "the path is empty; name a file");
    }
  }
}
