package io.ironsync.edge;

import io.ironsync.auth.TokenVerifier;
import io.ironsync.download.DownloadHandler;
import io.ironsync.metadata.MetadataClient;
import io.ironsync.ratelimit.UserLimits;
import io.ironsync.resumable.TusEndpoints;
import io.ironsync.sync.SyncService;
import io.ironsync.upload.BatchUploads;
import io.ironsync.upload.UploadHandler;

/**
 * What the public API routes delegate to. Shared by all edge verticle instances.
 *
 * @param quotaBytes the per-user storage quota (0 for none) for writes that bring no new bytes
 *     (restores, batch commits of stored content)
 */
public record EdgeServices(
    TokenVerifier tokens,
    UploadHandler uploads,
    BatchUploads batches,
    DownloadHandler downloads,
    MetadataClient metadata,
    UserLimits limits,
    SyncService sync,
    TusEndpoints tus,
    long quotaBytes) {}
