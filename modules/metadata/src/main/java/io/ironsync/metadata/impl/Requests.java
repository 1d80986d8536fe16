package io.ironsync.metadata.impl;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.Caller;
import io.ironsync.domain.FilePath;
import io.ironsync.metadata.ChangesRequest;
import io.ironsync.metadata.CommitRequest;
import io.ironsync.metadata.DeleteRequest;
import io.ironsync.metadata.FileQuery;
import io.ironsync.metadata.ListRequest;
import io.ironsync.metadata.SnapshotRequest;
import io.ironsync.metadata.UsageQuery;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Checks requests before they reach the database. Callers are our own modules, so a failure here is
 * a bug upstream; it still answers 400 rather than storing something malformed.
 */
final class Requests {

  static final int MAX_LIST_LIMIT = 1000;
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

  private Requests() {}

  static void check(CommitRequest request) {
    checkCaller(request.caller());
    checkFile(request.path());
    if (request.blobKey() == null || request.blobKey().isBlank()) {
      throw ApiException.badRequest("invalid-commit", "a commit needs the blob's storage key");
    }
    if (request.size() < 0) {
      throw ApiException.badRequest("invalid-commit", "size " + request.size() + " is negative");
    }
    if (request.sha256() == null || !SHA256_HEX.matcher(request.sha256()).matches()) {
      throw ApiException.badRequest(
          "invalid-sha256", "sha256 must be 64 hex digits, got '" + request.sha256() + "'");
    }
    if (request.quotaBytes() < 0) {
      throw ApiException.badRequest(
          "invalid-quota", "quota " + request.quotaBytes() + " is negative; 0 means no quota");
    }
  }

  /** The digest in the one form that is stored and compared: lowercase hex. */
  static String sha256(CommitRequest request) {
    return request.sha256().toLowerCase(Locale.ROOT);
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
