package io.ironsync.upload;

import io.ironsync.metadata.MetadataClient;
import io.ironsync.observability.UploadMetrics;
import io.ironsync.ratelimit.UploadSlots;
import io.ironsync.ratelimit.UserLimits;
import io.ironsync.storage.ObjectStore;

/**
 * What every way of uploading needs: where bytes and metadata go, the limits that apply to a user,
 * and the node's record of uploads in flight.
 *
 * @param maxFileBytes the largest file a user may store
 * @param quotaBytes the storage quota of each user, 0 for none
 */
public record UploadServices(
    ObjectStore store,
    MetadataClient metadata,
    UploadMetrics metrics,
    long maxFileBytes,
    long quotaBytes,
    InFlightUploads inFlight,
    UploadSlots slots,
    UserLimits limits) {}
