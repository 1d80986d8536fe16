package io.ironsync.metadata;

/**
 * Records the file revision an upload became, as {@link MetadataClient#markCommitted} describes.
 *
 * @param etag the etag of the committed revision
 * @param rev the committed revision, from 1
 */
public record MarkCommittedRequest(String userId, String id, String owner, String etag, long rev) {}
