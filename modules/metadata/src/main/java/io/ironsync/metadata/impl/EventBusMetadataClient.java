package io.ironsync.metadata.impl;

import io.ironsync.domain.ApiException;
import io.ironsync.metadata.BatchCommitRequest;
import io.ironsync.metadata.BatchCommitResult;
import io.ironsync.metadata.ChangesPage;
import io.ironsync.metadata.ChangesRequest;
import io.ironsync.metadata.ClaimUploadRequest;
import io.ironsync.metadata.CommitRequest;
import io.ironsync.metadata.CommitResult;
import io.ironsync.metadata.DeleteRequest;
import io.ironsync.metadata.DeleteResult;
import io.ironsync.metadata.ExpiredUploadsRequest;
import io.ironsync.metadata.FileQuery;
import io.ironsync.metadata.FolderListing;
import io.ironsync.metadata.HashLookupRequest;
import io.ironsync.metadata.HashLookupResult;
import io.ironsync.metadata.ListRequest;
import io.ironsync.metadata.MarkCommittedRequest;
import io.ironsync.metadata.MetadataAddresses;
import io.ironsync.metadata.MetadataBus;
import io.ironsync.metadata.MetadataClient;
import io.ironsync.metadata.MoveRequest;
import io.ironsync.metadata.MoveResult;
import io.ironsync.metadata.ReferencedKeys;
import io.ironsync.metadata.ReferencedKeysQuery;
import io.ironsync.metadata.ReleaseUploadRequest;
import io.ironsync.metadata.RestoreRequest;
import io.ironsync.metadata.ResumableUpload;
import io.ironsync.metadata.RetentionSweepRequest;
import io.ironsync.metadata.RetentionSweepResult;
import io.ironsync.metadata.SaveUpload;
import io.ironsync.metadata.SnapshotPage;
import io.ironsync.metadata.SnapshotRequest;
import io.ironsync.metadata.StoredFile;
import io.ironsync.metadata.UploadList;
import io.ironsync.metadata.UploadQuery;
import io.ironsync.metadata.UploadsQuery;
import io.ironsync.metadata.UsageQuery;
import io.ironsync.metadata.VersionList;
import io.ironsync.metadata.VersionsRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** {@link MetadataClient} over event-bus requests to the metadata verticle. */
public final class EventBusMetadataClient implements MetadataClient {

  private final Vertx vertx;
  private final DeliveryOptions delivery;
  private final long retryAfterSeconds;

  public EventBusMetadataClient(Vertx vertx, Duration sendTimeout) {
    if (sendTimeout.isNegative() || sendTimeout.isZero()) {
      throw new IllegalArgumentException("the send timeout must be positive: " + sendTimeout);
    }
    MetadataBus.registerCodecs(vertx);
    this.vertx = vertx;
    this.delivery = new DeliveryOptions().setSendTimeout(sendTimeout.toMillis());
    this.retryAfterSeconds = Math.max(1, sendTimeout.toSeconds());
  }

  @Override
  public Future<CommitResult> commit(CommitRequest request) {
    return request(MetadataAddresses.COMMIT, request);
  }

  @Override
  public Future<StoredFile> get(FileQuery query) {
    return request(MetadataAddresses.GET, query);
  }

  @Override
  public Future<DeleteResult> delete(DeleteRequest request) {
    return request(MetadataAddresses.DELETE, request);
  }

  @Override
  public Future<FolderListing> list(ListRequest request) {
    return request(MetadataAddresses.LIST, request);
  }

  @Override
  public Future<Long> usedBytes(String userId) {
    return request(MetadataAddresses.USAGE, new UsageQuery(userId));
  }

  @Override
  public Future<ChangesPage> changes(ChangesRequest request) {
    return request(MetadataAddresses.CHANGES, request);
  }

  @Override
  public Future<SnapshotPage> snapshot(SnapshotRequest request) {
    return request(MetadataAddresses.SNAPSHOT, request);
  }

  @Override
  public Future<MoveResult> move(MoveRequest request) {
    return request(MetadataAddresses.MOVE, request);
  }

  @Override
  public Future<VersionList> versions(VersionsRequest request) {
    return request(MetadataAddresses.VERSIONS, request);
  }

  @Override
  public Future<CommitResult> restore(RestoreRequest request) {
    return request(MetadataAddresses.RESTORE, request);
  }

  @Override
  public Future<BatchCommitResult> commitBatch(BatchCommitRequest request) {
    return request(MetadataAddresses.BATCH_COMMIT, request);
  }

  @Override
  public Future<HashLookupResult> lookupHashes(HashLookupRequest request) {
    return request(MetadataAddresses.LOOKUP_HASHES, request);
  }

  @Override
  public Future<RetentionSweepResult> sweepRetention(RetentionSweepRequest request) {
    return request(MetadataAddresses.RETENTION, request);
  }

  @Override
  public Future<ResumableUpload> createUpload(ResumableUpload upload) {
    return request(MetadataAddresses.CREATE_UPLOAD, upload);
  }

  @Override
  public Future<ResumableUpload> getUpload(String userId, String id) {
    return request(MetadataAddresses.GET_UPLOAD, new UploadQuery(userId, id));
  }

  @Override
  public Future<List<ResumableUpload>> getUploads(String userId, List<String> ids) {
    return this.<UploadList>request(MetadataAddresses.GET_UPLOADS, new UploadsQuery(userId, ids))
        .map(UploadList::uploads);
  }

  @Override
  public Future<ResumableUpload> claimUpload(
      String userId, String id, String owner, Duration lease) {
    return request(
        MetadataAddresses.CLAIM_UPLOAD, new ClaimUploadRequest(userId, id, owner, lease));
  }

  @Override
  public Future<ResumableUpload> saveUpload(SaveUpload request) {
    return request(MetadataAddresses.SAVE_UPLOAD, request);
  }

  @Override
  public Future<Void> releaseUpload(String userId, String id, String owner) {
    return request(MetadataAddresses.RELEASE_UPLOAD, new ReleaseUploadRequest(userId, id, owner))
        .mapEmpty();
  }

  @Override
  public Future<ResumableUpload> markCommitted(
      String userId, String id, String owner, String etag, long rev) {
    return request(
        MetadataAddresses.MARK_UPLOAD_COMMITTED,
        new MarkCommittedRequest(userId, id, owner, etag, rev));
  }

  @Override
  public Future<ResumableUpload> deleteUpload(String userId, String id) {
    return request(MetadataAddresses.DELETE_UPLOAD, new UploadQuery(userId, id));
  }

  @Override
  public Future<List<ResumableUpload>> takeExpiredUploads(Instant now, int limit) {
    return this.<UploadList>request(
            MetadataAddresses.TAKE_EXPIRED_UPLOADS, new ExpiredUploadsRequest(now, limit))
        .map(UploadList::uploads);
  }

  @Override
  public Future<Set<String>> referencedKeys(List<String> storageKeys) {
    return this.<ReferencedKeys>request(
            MetadataAddresses.REFERENCED_KEYS, new ReferencedKeysQuery(storageKeys))
        .map(ReferencedKeys::keys);
  }

  @Override
  public Future<Void> ping() {
    return request(MetadataAddresses.PING, null).mapEmpty();
  }

  private <T> Future<T> request(String address, Object body) {
    return vertx
        .eventBus()
        .<T>request(address, body, delivery)
        .map(Message::body)
        .recover(failure -> Future.failedFuture(toApiException(failure)));
  }

  private Throwable toApiException(Throwable failure) {
    if (!(failure instanceof ReplyException reply)) {
      return failure;
    }
    switch (reply.failureType()) {
      case RECIPIENT_FAILURE:
        return Problems.fromReply(reply.failureCode(), reply.getMessage());
      case TIMEOUT:
        // the work may still complete after this; a retried commit of the same content is a no-op
        return ApiException.unavailable(
            "metadata-timeout", "the metadata service did not answer in time", retryAfterSeconds);
      default:
        return ApiException.unavailable(
            "metadata-unavailable", "the metadata service is not running", retryAfterSeconds);
    }
  }
}
