package io.ironsync.metadata;

/** Event-bus addresses the metadata verticle serves. Only metadata travels on them, never bytes. */
public final class MetadataAddresses {

  private MetadataAddresses() {}

  private static final String PREFIX = "ironsync.metadata.";

  /** {@link CommitRequest} → {@link CommitResult}. */
  public static final String COMMIT = PREFIX + "commit";

  /** {@link FileQuery} → {@link StoredFile}. */
  public static final String GET = PREFIX + "get";

  /** {@link DeleteRequest} → {@link DeleteResult}. */
  public static final String DELETE = PREFIX + "delete";

  /** {@link ListRequest} → {@link FolderListing}. */
  public static final String LIST = PREFIX + "list";

  /** {@link UsageQuery} → the user's used bytes as a {@link Long} (0 for an unknown user). */
  public static final String USAGE = PREFIX + "usage";

  /** {@link ChangesRequest} → {@link ChangesPage}. */
  public static final String CHANGES = PREFIX + "changes";

  /** {@link SnapshotRequest} → {@link SnapshotPage}. */
  public static final String SNAPSHOT = PREFIX + "snapshot";

  /** {@link MoveRequest} → {@link MoveResult}. */
  public static final String MOVE = PREFIX + "move";

  /** {@link VersionsRequest} → {@link VersionList}. */
  public static final String VERSIONS = PREFIX + "versions";

  /** {@link RestoreRequest} → {@link CommitResult}. */
  public static final String RESTORE = PREFIX + "restore";

  /** {@link BatchCommitRequest} → {@link BatchCommitResult}. */
  public static final String BATCH_COMMIT = PREFIX + "batch-commit";

  /** {@link HashLookupRequest} → {@link HashLookupResult}. */
  public static final String LOOKUP_HASHES = PREFIX + "lookup-hashes";

  /** {@link RetentionSweepRequest} → {@link RetentionSweepResult}. */
  public static final String RETENTION = PREFIX + "retention";

  /** {@link ResumableUpload} → the {@link ResumableUpload} as stored. */
  public static final String CREATE_UPLOAD = PREFIX + "create-upload";

  /** {@link UploadQuery} → {@link ResumableUpload}. */
  public static final String GET_UPLOAD = PREFIX + "get-upload";

  /** {@link UploadsQuery} → {@link UploadList}. */
  public static final String GET_UPLOADS = PREFIX + "get-uploads";

  /** {@link ClaimUploadRequest} → {@link ResumableUpload}. */
  public static final String CLAIM_UPLOAD = PREFIX + "claim-upload";

  /** {@link SaveUpload} → {@link ResumableUpload}. */
  public static final String SAVE_UPLOAD = PREFIX + "save-upload";

  /** {@link ReleaseUploadRequest} → an empty reply. */
  public static final String RELEASE_UPLOAD = PREFIX + "release-upload";

  /** {@link MarkCommittedRequest} → {@link ResumableUpload}. */
  public static final String MARK_UPLOAD_COMMITTED = PREFIX + "mark-upload-committed";

  /** {@link UploadQuery} → the deleted {@link ResumableUpload}. */
  public static final String DELETE_UPLOAD = PREFIX + "delete-upload";

  /** {@link ExpiredUploadsRequest} → {@link UploadList}. */
  public static final String TAKE_EXPIRED_UPLOADS = PREFIX + "take-expired-uploads";

  /** {@link ReferencedKeysQuery} → {@link ReferencedKeys}. */
  public static final String REFERENCED_KEYS = PREFIX + "referenced-keys";

  /** Any body → a reply once PostgreSQL answered a trivial query. */
  public static final String PING = PREFIX + "ping";
}
