package io.ironsync.storage;

import io.ironsync.config.IronSyncConfig;
import io.ironsync.observability.StorageMetrics;
import io.ironsync.storage.impl.LocalObjectStore;
import io.ironsync.storage.impl.S3ObjectStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;

/** Opens the store the configuration asks for. */
public final class ObjectStores {

  /** Where the local store keeps blobs, under {@code data.dir}. */
  public static final String LOCAL_BLOB_DIR = "blobs";

  private ObjectStores() {}

  /**
   * The S3 store when {@code s3.*} is configured (creating the bucket if it is missing), else the
   * local-disk store under {@code dataDir/blobs}. Fails with an {@link ObjectStoreException} naming
   * the endpoint or directory when the store cannot be used.
   */
  public static Future<ObjectStore> open(
      Vertx vertx, IronSyncConfig.Storage storage, Path dataDir, StorageMetrics metrics) {
    return open(vertx, storage, dataDir, metrics, new BufferBudget(Long.MAX_VALUE));
  }

  /** As above, with the upload bytes the store may hold in memory bounded by {@code budget}. */
  public static Future<ObjectStore> open(
      Vertx vertx,
      IronSyncConfig.Storage storage,
      Path dataDir,
      StorageMetrics metrics,
      BufferBudget budget) {
    return storage.s3().isPresent()
        ? S3ObjectStore.open(vertx, storage.s3().get(), metrics, budget)
        : LocalObjectStore.open(vertx, dataDir.resolve(LOCAL_BLOB_DIR), storage.fsync(), metrics);
  }
}
