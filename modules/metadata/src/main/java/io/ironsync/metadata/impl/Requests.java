package io.ironsync.metadata.impl;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.Caller;
import io.ironsync.domain.FilePath;
import io.ironsync.metadata.BatchCommitRequest;
import io.ironsync.metadata.ChangesRequest;
import io.ironsync.metadata.ClaimUploadRequest;
import io.ironsync.metadata.CommitRequest;
import io.ironsync.metadata.DeleteRequest;
import io.ironsync.metadata.ExpiredUploadsRequest;
import io.ironsync.metadata.FileQuery;
import io.ironsync.metadata.HashLookupRequest;
import io.ironsync.metadata.ListRequest;
import io.ironsync.metadata.MarkCommittedRequest;
import io.ironsync.metadata.MoveRequest;
import io.ironsync.metadata.Precondition;
import io.ironsync.metadata.ReferencedKeysQuery;
import io.ironsync.metadata.ReleaseUploadRequest;
import io.ironsync.metadata.RestoreRequest;
import io.ironsync.metadata.ResumableUpload;
import io.ironsync.metadata.RetentionSweepRequest;
import io.ironsync.metadata.SaveUpload;
import io.ironsync.metadata.SnapshotRequest;
import io.ironsync.metadata.UploadQuery;
import io.ironsync.metadata.UploadsQuery;
import io.ironsync.metadata.UsageQuery;
import io.ironsync.metadata.VersionsRequest;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
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
  // the canonical text form only: UUID.fromString also takes abbreviated forms such as "1-2-3-4-5"
  private static final Pattern UUID_TEXT =
      Pattern.compile(
          "\\p{XDigit}{8}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{12}");
  private static final Set<String> CONFLICT_MODES = Set.of("fail", "copy");

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

  /** The id of an upload, or null when it is not a UUID (and so cannot name an upload). */
  static UUID uploadId(String id) {
    return id != null && UUID_TEXT.matcher(id).matches() ? UUID.fromString(id) : null;
  }

  static void check(ResumableUpload upload) {
    if (upload == null) {
      throw invalidUpload("the request carries no upload");
    }
    checkUser(upload.userId());
    if (uploadId(upload.id()) == null) {
      throw invalidUpload("an upload id must be a UUID, got '" + upload.id() + "'");
    }
    if (upload.kind() == null) {
      throw invalidUpload("the upload has no kind");
    }
    checkUploadPath(upload);
    if (upload.length() < ResumableUpload.DEFERRED) {
      throw invalidUpload(
          "length " + upload.length() + " is negative; " + ResumableUpload.DEFERRED + " defers it");
    }
    if (upload.offset() != 0) {
      throw invalidUpload("a new upload starts at offset 0, not " + upload.offset());
    }
    if (upload.storeState() == null) {
      throw invalidUpload("the upload needs a storage state, if only an empty object");
    }
    if (upload.blobKey() == null || upload.blobKey().isBlank()) {
      throw invalidUpload("the upload needs the storage key its content ends up under");
    }
    if (upload.precondition() != null && upload.precondition().isBlank()) {
      throw invalidUpload("a precondition is '*' or an etag, or null for none");
    }
    if (!CONFLICT_MODES.contains(upload.onConflict())) {
      throw invalidUpload(
          "onConflict must be one of " + CONFLICT_MODES + ", got '" + upload.onConflict() + "'");
    }
    checkPartials(upload);
    if (upload.expiresAt() == null) {
      throw invalidUpload("the upload needs its expiry");
    }
    if (upload.committed() || upload.committedEtag() != null) {
      throw invalidUpload("a new upload is not committed yet");
    }
  }

  private static void checkUploadPath(ResumableUpload upload) {
    if (upload.path() == null) {
      if (upload.kind() != ResumableUpload.Kind.PARTIAL) {
        throw ApiException.badRequest(
            "invalid-path", "a " + kind(upload) + " upload needs the path of the file it becomes");
      }
      return;
    }
    FilePath path = FilePath.of(upload.path());
    if (path.isRoot() || !path.value().equals(upload.path())) {
      throw ApiException.badRequest(
          "invalid-path",
          "an upload's path must name a file in normal form, got '" + upload.path() + "'");
    }
  }

  private static void checkPartials(ResumableUpload upload) {
    List<String> partials = upload.partials();
    if (upload.kind() != ResumableUpload.Kind.FINAL) {
      if (!partials.isEmpty()) {
        throw invalidUpload("only a final upload concatenates partial uploads");
      }
      return;
    }
    if (partials.isEmpty() || partials.size() > UploadsQuery.MAX_IDS) {
      throw invalidUpload(
          "a final upload concatenates 1 to "
              + UploadsQuery.MAX_IDS
              + " partial uploads, not "
              + partials.size());
    }
    for (String partial : partials) {
      if (uploadId(partial) == null) {
        throw invalidUpload("a partial upload's id must be a UUID, got '" + partial + "'");
      }
    }
  }

  private static String kind(ResumableUpload upload) {
    return upload.kind().name().toLowerCase(Locale.ROOT);
  }

  static void check(UploadQuery query) {
    checkUser(query.userId());
  }

  static void check(UploadsQuery query) {
    checkUser(query.userId());
    if (query.ids() == null || query.ids().size() > UploadsQuery.MAX_IDS) {
      throw invalidUpload("the query takes a list of at most " + UploadsQuery.MAX_IDS + " ids");
    }
  }

  static void check(ClaimUploadRequest request) {
    checkUser(request.userId());
    checkOwner(request.owner());
    Duration lease = request.lease();
    if (lease == null
        || lease.isNegative()
        || lease.isZero()
        || lease.compareTo(Duration.ofSeconds(ClaimUploadRequest.MAX_LEASE_SECONDS)) > 0) {
      throw ApiException.badRequest(
          "invalid-lease",
          "a lease lasts from 1 ms to "
              + ClaimUploadRequest.MAX_LEASE_SECONDS
              + " s, got "
              + lease);
    }
  }

  static void check(SaveUpload request) {
    checkUser(request.userId());
    checkOwner(request.owner());
    if (request.expectedOffset() < 0 || request.newOffset() < request.expectedOffset()) {
      throw invalidUpload(
          "an upload only moves forward: offset "
              + request.expectedOffset()
              + " to "
              + request.newOffset());
    }
    if (request.length() < ResumableUpload.DEFERRED) {
      throw invalidUpload(
          "length "
              + request.length()
              + " is negative; "
              + ResumableUpload.DEFERRED
              + " keeps the stored one");
    }
    if (request.length() != ResumableUpload.DEFERRED && request.newOffset() > request.length()) {
      throw invalidUpload(
          "offset " + request.newOffset() + " is beyond the length " + request.length());
    }
    if (request.storeState() == null) {
      throw invalidUpload("a checkpoint needs the storage state, if only an empty object");
    }
  }

  static void check(ReleaseUploadRequest request) {
    checkUser(request.userId());
    checkOwner(request.owner());
  }

  static void check(MarkCommittedRequest request) {
    checkUser(request.userId());
    checkOwner(request.owner());
    if (request.etag() == null || request.etag().isBlank()) {
      throw invalidUpload("a committed upload needs the etag of its revision");
    }
    if (request.rev() < 1) {
      throw ApiException.badRequest("invalid-rev", "revisions start at 1, got " + request.rev());
    }
  }

  static void check(ExpiredUploadsRequest request) {
    if (request.now() == null) {
      throw ApiException.badRequest("invalid-query", "the sweep needs the current time");
    }
    if (request.limit() < 1 || request.limit() > ExpiredUploadsRequest.MAX_LIMIT) {
      throw ApiException.badRequest(
          "invalid-limit",
          "limit must be between 1 and "
              + ExpiredUploadsRequest.MAX_LIMIT
              + ", got "
              + request.limit());
    }
  }

  static void check(ReferencedKeysQuery query) {
    if (query.storageKeys() == null) {
      throw ApiException.badRequest("invalid-keys", "the query needs a list of storage keys");
    }
    if (query.storageKeys().size() > ReferencedKeysQuery.MAX_KEYS) {
      throw ApiException.badRequest(
          "too-many-keys",
          "a query takes at most "
              + ReferencedKeysQuery.MAX_KEYS
              + " keys, this one has "
              + query.storageKeys().size());
    }
    if (query.storageKeys().contains(null)) {
      throw ApiException.badRequest("invalid-keys", "a storage key is null");
    }
  }

  private static void checkOwner(String owner) {
    if (owner == null || owner.isBlank()) {
      throw ApiException.badRequest("invalid-owner", "a lease needs an owner");
    }
  }

  private static ApiException invalidUpload(String detail) {
    return ApiException.badRequest("invalid-upload", detail);
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
