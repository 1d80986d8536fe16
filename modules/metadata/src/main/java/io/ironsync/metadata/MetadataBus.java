package io.ironsync.metadata;

import io.ironsync.metadata.impl.LocalCodec;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import java.util.List;

/** The event-bus plumbing the metadata verticle and its clients share. */
public final class MetadataBus {

  // the usage reply is a plain Long, which travels with the bus's built-in codec, and a released
  // upload's reply is empty
  private static final List<Class<?>> MESSAGE_TYPES =
      List.of(
          CommitRequest.class,
          CommitResult.class,
          FileQuery.class,
          StoredFile.class,
          DeleteRequest.class,
          DeleteResult.class,
          ListRequest.class,
          FolderListing.class,
          UsageQuery.class,
          ChangesRequest.class,
          ChangesPage.class,
          SnapshotRequest.class,
          SnapshotPage.class,
          MoveRequest.class,
          MoveResult.class,
          VersionsRequest.class,
          VersionList.class,
          RestoreRequest.class,
          BatchCommitRequest.class,
          BatchCommitResult.class,
          HashLookupRequest.class,
          HashLookupResult.class,
          RetentionSweepRequest.class,
          RetentionSweepResult.class,
          ResumableUpload.class,
          UploadQuery.class,
          UploadsQuery.class,
          UploadList.class,
          ClaimUploadRequest.class,
          SaveUpload.class,
          ReleaseUploadRequest.class,
          MarkCommittedRequest.class,
          ExpiredUploadsRequest.class,
          ReferencedKeysQuery.class,
          ReferencedKeys.class);

  private MetadataBus() {}

  /**
   * Registers the local codecs of every request and reply type on this Vert.x instance. Every
   * verticle instance and every client calls it, from any thread; only the first call registers.
   */
  public static void registerCodecs(Vertx vertx) {
    EventBus bus = vertx.eventBus();
    // the bus offers no "is registered" check, and the check-then-put inside is not atomic
    synchronized (bus) {
      for (Class<?> type : MESSAGE_TYPES) {
        register(bus, type);
      }
    }
  }

  private static <T> void register(EventBus bus, Class<T> type) {
    try {
      bus.registerDefaultCodec(type, new LocalCodec<>(type));
    } catch (IllegalStateException alreadyRegistered) {
      // an earlier verticle instance or client on this Vert.x did it
    }
  }
}
