package io.ironsync.metadata;

import io.ironsync.metadata.impl.EventBusMetadataClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The edge's view of the metadata verticle. Every call is an event-bus request with a send timeout.
 * Failures arrive as {@link io.ironsync.domain.ApiException}s carrying the HTTP status to answer
 * with: 404 for a missing file, 409 for a path conflict, 412 for a failed precondition (with the
 * current metadata), 507 when a commit would exceed the user's quota, 503 when the verticle or
 * PostgreSQL does not answer in time.
 *
 * <p>Resumable uploads: an upload names its user, and every call about it names the user too. An
 * upload that is missing, another user's, or whose id is not a UUID fails alike with 404 {@code
 * upload-not-found}, so nobody learns of others' uploads. A PATCH writes an upload under a lease
 * ({@link #claimUpload}) that one request holds at a time, across nodes; lease times come from
 * PostgreSQL's clock, so the nodes' clocks do not matter.
 */
public interface MetadataClient {

  /**
   * A client that sends each call to the metadata verticle over this Vert.x instance's event bus. A
   * call unanswered after {@code sendTimeout} fails with 503 {@code metadata-timeout}; the work may
   * still complete afterwards (a retried commit of the same content is then {@code UNCHANGED}).
   * With no verticle deployed, calls fail at once with 503 {@code metadata-unavailable}.
   */
  static MetadataClient overEventBus(Vertx vertx, Duration sendTimeout) {
    return new EventBusMetadataClient(vertx, sendTimeout);
  }

  /**
   * Fails with 507 {@code quota-exceeded}, writing nothing, when the content would take the user
   * above {@link CommitRequest#quotaBytes()}. A failing precondition fails with 412, or with {@link
   * ConflictMode#COPY} commits a conflict copy ({@link CommitResult.Outcome#CONFLICT_COPY}).
   */
  Future<CommitResult> commit(CommitRequest request);

  /** The live head, or the given revision; 404 when missing, deleted, or another user's. */
  Future<StoredFile> get(FileQuery query);

  Future<DeleteResult> delete(DeleteRequest request);

  /** 404 when the folder does not exist (the root always does). */
  Future<FolderListing> list(ListRequest request);

  /**
   * The bytes the user stores: the size of the current content of each live file. Older revisions
   * and deleted files do not count, although their bytes stay until retention removes them. 0 for a
   * user who never wrote.
   */
  Future<Long> usedBytes(String userId);

  /** A page of the user's journal; 410 {@code cursor-expired} when it was pruned past the start. */
  Future<ChangesPage> changes(ChangesRequest request);

  /** A page of the user's live files in path order, with the journal head. */
  Future<SnapshotPage> snapshot(SnapshotRequest request);

  /**
   * Moves a file or a folder. 404 when {@code from} is missing, 400 when {@code from} equals {@code
   * to} or the folder holds more than {@value MoveRequest#MAX_FILES} files ({@code
   * move-too-large}), 409 {@code target-exists} when a live file or folder is at {@code to}, 409
   * {@code move-into-self} for a target below the source, 409 {@code parent-is-file} when a folder
   * above the target is a file, 412 for a failed {@code If-Match}.
   */
  Future<MoveResult> move(MoveRequest request);

  /** A page of a file's revisions, newest first; 404 when the path never held a file. */
  Future<VersionList> versions(VersionsRequest request);

  /**
   * Makes an earlier revision's content the head again ({@code CREATED} for a deleted file, {@code
   * UPDATED}, or {@code UNCHANGED} when the head already has it). 404 for a missing revision, 409
   * {@code revision-deleted} for a tombstone, 409 when the path is a folder or below a file, 507
   * over quota.
   */
  Future<CommitResult> restore(RestoreRequest request);

  /**
   * Commits many files in one transaction with per-item results. 400 {@code batch-too-large} above
   * {@value BatchCommitRequest#MAX_ITEMS} items; item failures do not fail the call.
   */
  Future<BatchCommitResult> commitBatch(BatchCommitRequest request);

  /** Which of the digests the user stores; never another user's content. */
  Future<HashLookupResult> lookupHashes(HashLookupRequest request);

  /** One bounded step of retention; see {@link RetentionSweepRequest}. */
  Future<RetentionSweepResult> sweepRetention(RetentionSweepRequest request);

  /**
   * Records a new upload at offset 0 with no lease, and answers it as stored: {@code createdAt} is
   * the database's time (the given one is ignored) and instants have microsecond precision. 400
   * {@code invalid-upload} for a malformed field: an id that is not a UUID, a missing path on a
   * single or final upload, a final upload without partials or another kind with some, an offset
   * other than 0, a committed revision, and the like. 409 {@code upload-exists} when the id is
   * taken.
   */
  Future<ResumableUpload> createUpload(ResumableUpload upload);

  /** The user's upload; 404 {@code upload-not-found}. */
  Future<ResumableUpload> getUpload(String userId, String id);

  /**
   * The user's uploads with these ids, in the order asked, for a concatenation. 404 {@code
   * upload-not-found} if any of them is not the user's upload; 400 {@code invalid-upload} beyond
   * {@value UploadsQuery#MAX_IDS} ids.
   */
  Future<List<ResumableUpload>> getUploads(String userId, List<String> ids);

  /**
   * Takes the upload's lease for {@code owner} until {@code lease} from now, when the lease is
   * free, expired, or already {@code owner}'s (the owner's claim renews it from now). 404 {@code
   * upload-not-found}; 409 {@code upload-locked} while another owner's lease lasts; 409 {@code
   * upload-committed} once the upload is committed; 400 {@code invalid-lease} for a lease that is
   * not positive or longer than {@value ClaimUploadRequest#MAX_LEASE_SECONDS} seconds.
   */
  Future<ResumableUpload> claimUpload(String userId, String id, String owner, Duration lease);

  /**
   * Checkpoints a PATCH: stores the new offset, storage state and digest state (and the length,
   * when the client has just told a deferred one), and ends the lease when asked to. It only writes
   * while {@code owner} still holds the lease (an expired lease nobody else has taken still counts)
   * and the stored offset is still {@code expectedOffset}; otherwise nothing changes and it fails
   * with 409 {@code upload-conflict}. The expiry stays as created. 404 {@code upload-not-found};
   * 409 {@code upload-committed} once committed; 409 {@code upload-length-mismatch} when the length
   * is already known and differs; 400 {@code invalid-upload} for offsets that go backwards or
   * beyond the length.
   */
  Future<ResumableUpload> saveUpload(SaveUpload request);

  /**
   * Ends {@code owner}'s lease of the upload. Nothing happens when {@code owner} does not hold it,
   * nor when the upload is gone, so it is safe on every clean-up path.
   */
  Future<Void> releaseUpload(String userId, String id, String owner);

  /**
   * Records the revision the upload was committed as and ends the lease; the record stays until it
   * expires, so a client that lost the final answer can still ask for it. Recording the same
   * revision again succeeds. 404 {@code upload-not-found}; 409 {@code upload-conflict} when {@code
   * owner} no longer holds the lease; 409 {@code upload-committed} when it was committed as another
   * revision.
   */
  Future<ResumableUpload> markCommitted(
      String userId, String id, String owner, String etag, long rev);

  /**
   * Removes the upload and answers what it was, so the caller can clean up its storage (a committed
   * upload's blob belongs to its file by then, and must stay). 404 {@code upload-not-found}; 409
   * {@code upload-locked} while anyone's lease lasts, so that a termination never pulls the bytes
   * from under a running PATCH; an owner that wants to delete releases first.
   */
  Future<ResumableUpload> deleteUpload(String userId, String id);

  /**
   * Removes and answers up to {@code limit} uploads, oldest expiry first, that expired before
   * {@code now} and that no lease holds; the caller cleans up their storage (except a committed
   * upload's blob, which belongs to its file). Sweepers on several nodes at once never take the
   * same upload. 400 {@code invalid-limit} outside 1..{@value ExpiredUploadsRequest#MAX_LIMIT}.
   */
  Future<List<ResumableUpload>> takeExpiredUploads(Instant now, int limit);

  /**
   * Which of these storage keys metadata still refers to, so the orphan sweeper leaves them: the
   * key of a stored blob, an upload's blob key, or the {@code tailKey} member of an upload's
   * storage state. 400 {@code too-many-keys} beyond {@value ReferencedKeysQuery#MAX_KEYS} keys.
   */
  Future<Set<String>> referencedKeys(List<String> storageKeys);

  /** Succeeds when the verticle and PostgreSQL answer. */
  Future<Void> ping();
}
