package io.ironsync.metadata.impl;

import io.ironsync.domain.ApiException;
import io.ironsync.metadata.ClaimUploadRequest;
import io.ironsync.metadata.ExpiredUploadsRequest;
import io.ironsync.metadata.MarkCommittedRequest;
import io.ironsync.metadata.ReferencedKeys;
import io.ironsync.metadata.ReferencedKeysQuery;
import io.ironsync.metadata.ReleaseUploadRequest;
import io.ironsync.metadata.ResumableUpload;
import io.ironsync.metadata.SaveUpload;
import io.ironsync.metadata.UploadList;
import io.ironsync.metadata.UploadQuery;
import io.ironsync.metadata.UploadsQuery;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * The state of resumable uploads, which any node may continue. Every change is one statement whose
 * condition decides it, so two nodes racing on an upload never both succeed; only when that
 * condition refuses does a second read find out why, to answer with the right problem.
 *
 * <p>A lease says which request writes an upload. It counts as held while {@code lease_until} lies
 * ahead by PostgreSQL's clock. Once it lies behind, anyone may claim the upload; until someone
 * does, the former owner's checkpoints still succeed, since nobody else can have written.
 */
public final class ResumableUploads {

  private static final String UNIQUE_VIOLATION = "23505";

  private static final String INSERT =
      returningUpload(
          "insert into uploads (id, user_id, device_id, path, length, kind, store_state,"
              + " digest_state, blob_key, upload_metadata, precondition, on_conflict, partials,"
              + " expires_at, created_at)"
              + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, now()) ");

  private static final String SELECT =
      "select " + UploadRows.COLUMNS + " from uploads where id = $1 and user_id = $2";

  private static final String SELECT_MANY =
      "select " + UploadRows.COLUMNS + " from uploads where user_id = $1 and id = any($2::uuid[])";

  private static final String CLAIM =
      returningUpload(
          """
      update uploads
      set lease_owner = $3, lease_until = now() + $4::bigint * interval '1 millisecond'
      where id = $1 and user_id = $2 and committed_rev is null
        and (lease_owner is null or lease_owner = $3 or lease_until <= now())
      """);

  // $8 is the length the client has just told, or null to keep the stored one
  private static final String SAVE =
      returningUpload(
          """
      update uploads
      set upload_offset = $5, store_state = $6, digest_state = $7,
          length = coalesce($8, length),
          lease_owner = case when $9 then null else lease_owner end,
          lease_until = case when $9 then null else lease_until end
      where id = $1 and user_id = $2 and lease_owner = $3 and upload_offset = $4
        and ($8::bigint is null or length is null or length = $8)
        and $5 <= coalesce($8, length, $5)
      """);

  private static final String RELEASE =
      "update uploads set lease_owner = null, lease_until = null"
          + " where id = $1 and user_id = $2 and lease_owner = $3";

  // recording the same revision again answers as the first time did, for a retried call
  private static final String MARK_COMMITTED =
      returningUpload(
          """
      update uploads
      set committed_etag = $4, committed_rev = $5, lease_owner = null, lease_until = null
      where id = $1 and user_id = $2
        and ((lease_owner = $3 and committed_rev is null)
             or (committed_rev = $5 and committed_etag = $4))
      """);

  private static final String DELETE =
      returningUpload(
          "delete from uploads where id = $1 and user_id = $2"
              + " and not coalesce(lease_until > now(), false) ");

  // SKIP LOCKED: an upload that another sweeper is taking, or a claim is leasing right now, is
  // left alone; a lock granted after a claim committed re-checks the lease on the new row version
  private static final String TAKE_EXPIRED =
      returningUpload(
          """
      with doomed as (
        select id from uploads
        where expires_at < $1 and not coalesce(lease_until > now(), false)
        order by expires_at
        limit $2
        for update skip locked
      )
      delete from uploads where id in (select id from doomed)
      """);

  private static final String REFERENCED =
      """
      select k.key from unnest($1::text[]) as k (key)
      where exists (select 1 from blobs b where b.storage_key = k.key)
         or exists (select 1 from uploads u where u.blob_key = k.key)
         or exists (select 1 from uploads u where u.store_state ->> 'tailKey' = k.key)
      """;

  private static final Comparator<ResumableUpload> OLDEST_FIRST =
      Comparator.comparing(ResumableUpload::expiresAt)
          .thenComparing(ResumableUpload::createdAt)
          .thenComparing(ResumableUpload::id);

  private final Pool pool;

  public ResumableUploads(Pool pool) {
    this.pool = pool;
  }

  public Future<ResumableUpload> create(ResumableUpload upload) {
    Requests.check(upload);
    Tuple row =
        Tuple.tuple()
            .addUUID(Requests.uploadId(upload.id()))
            .addString(upload.userId())
            .addString(upload.deviceId())
            .addString(upload.path())
            .addValue(UploadRows.length(upload.length()))
            .addString(UploadRows.kind(upload.kind()))
            .addJsonObject(upload.storeState())
            .addBuffer(UploadRows.bytes(upload.digestState()))
            .addString(upload.blobKey())
            .addString(upload.uploadMetadata())
            .addString(upload.precondition())
            .addString(upload.onConflict())
            .addArrayOfUUID(
                upload.kind() == ResumableUpload.Kind.FINAL
                    ? upload.partials().stream().map(Requests::uploadId).toArray(UUID[]::new)
                    : null)
            .addOffsetDateTime(upload.expiresAt().atOffset(ZoneOffset.UTC));
    return pool.preparedQuery(INSERT)
        .execute(row)
        .map(rows -> UploadRows.upload(rows.iterator().next()))
        .recover(
            failure ->
                Future.failedFuture(
                    failure instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())
                        ? ApiException.conflict(
                            "upload-exists", "an upload with id " + upload.id() + " exists")
                        : failure));
  }

  public Future<ResumableUpload> get(UploadQuery query) {
    Requests.check(query);
    UUID id = Requests.uploadId(query.id());
    if (id == null) {
      return Future.failedFuture(notFound(query.id()));
    }
    return state(query.userId(), id).map(UploadRows.State::upload);
  }

  public Future<UploadList> getAll(UploadsQuery query) {
    Requests.check(query);
    Set<UUID> ids = new LinkedHashSet<>();
    for (String text : query.ids()) {
      UUID id = Requests.uploadId(text);
      if (id == null) {
        return Future.failedFuture(notFound(text));
      }
      ids.add(id);
    }
    if (ids.isEmpty()) {
      return Future.succeededFuture(new UploadList(List.of()));
    }
    return pool.preparedQuery(SELECT_MANY)
        .execute(Tuple.tuple().addString(query.userId()).addArrayOfUUID(ids.toArray(UUID[]::new)))
        .map(
            rows -> {
              Map<UUID, ResumableUpload> found = new HashMap<>();
              for (Row row : rows) {
                found.put(row.getUUID("id"), UploadRows.upload(row));
              }
              List<ResumableUpload> uploads = new ArrayList<>(query.ids().size());
              for (String text : query.ids()) {
                ResumableUpload upload = found.get(Requests.uploadId(text));
                if (upload == null) {
                  throw notFound(text);
                }
                uploads.add(upload);
              }
              return new UploadList(uploads);
            });
  }

  public Future<ResumableUpload> claim(ClaimUploadRequest request) {
    Requests.check(request);
    UUID id = Requests.uploadId(request.id());
    if (id == null) {
      return Future.failedFuture(notFound(request.id()));
    }
    Tuple params =
        Tuple.of(id, request.userId(), request.owner(), Math.max(1, request.lease().toMillis()));
    return change(
        CLAIM,
        params,
        request.userId(),
        id,
        state -> state.upload().committed() ? committed(state.upload()) : locked(request.id()));
  }

  public Future<ResumableUpload> save(SaveUpload request) {
    Requests.check(request);
    UUID id = Requests.uploadId(request.id());
    if (id == null) {
      return Future.failedFuture(notFound(request.id()));
    }
    Tuple params =
        Tuple.tuple()
            .addUUID(id)
            .addString(request.userId())
            .addString(request.owner())
            .addLong(request.expectedOffset())
            .addLong(request.newOffset())
            .addJsonObject(request.storeState())
            .addBuffer(UploadRows.bytes(request.digestState()))
            .addValue(UploadRows.length(request.length()))
            .addBoolean(request.release());
    return change(SAVE, params, request.userId(), id, state -> saveRefused(request, state));
  }

  private static ApiException saveRefused(SaveUpload request, UploadRows.State state) {
    ResumableUpload upload = state.upload();
    if (upload.committed()) {
      return committed(upload);
    }
    if (!request.owner().equals(state.leaseOwner())) {
      return conflict("another request has taken over upload " + request.id());
    }
    if (upload.offset() != request.expectedOffset()) {
      return conflict(
          "upload "
              + request.id()
              + " is at offset "
              + upload.offset()
              + ", not "
              + request.expectedOffset());
    }
    if (!upload.lengthDeferred()
        && request.length() != ResumableUpload.DEFERRED
        && request.length() != upload.length()) {
      return ApiException.conflict(
          "upload-length-mismatch",
          "upload "
              + request.id()
              + " is "
              + upload.length()
              + " bytes long, not "
              + request.length());
    }
    if (!upload.lengthDeferred() && request.newOffset() > upload.length()) {
      return ApiException.badRequest(
          "invalid-upload",
          "offset "
              + request.newOffset()
              + " is beyond the length "
              + upload.length()
              + " of upload "
              + request.id());
    }
    return conflict("upload " + request.id() + " changed meanwhile");
  }

  public Future<Void> release(ReleaseUploadRequest request) {
    Requests.check(request);
    UUID id = Requests.uploadId(request.id());
    if (id == null) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery(RELEASE)
        .execute(Tuple.of(id, request.userId(), request.owner()))
        .mapEmpty();
  }

  public Future<ResumableUpload> markCommitted(MarkCommittedRequest request) {
    Requests.check(request);
    UUID id = Requests.uploadId(request.id());
    if (id == null) {
      return Future.failedFuture(notFound(request.id()));
    }
    Tuple params = Tuple.of(id, request.userId(), request.owner(), request.etag(), request.rev());
    return change(
        MARK_COMMITTED,
        params,
        request.userId(),
        id,
        state ->
            state.upload().committed()
                ? committed(state.upload())
                : conflict("another request has taken over upload " + request.id()));
  }

  public Future<ResumableUpload> delete(UploadQuery query) {
    Requests.check(query);
    UUID id = Requests.uploadId(query.id());
    if (id == null) {
      return Future.failedFuture(notFound(query.id()));
    }
    return change(
        DELETE, Tuple.of(id, query.userId()), query.userId(), id, state -> locked(query.id()));
  }

  public Future<UploadList> takeExpired(ExpiredUploadsRequest request) {
    Requests.check(request);
    return pool.preparedQuery(TAKE_EXPIRED)
        .execute(Tuple.of(request.now().atOffset(ZoneOffset.UTC), request.limit()))
        .map(
            rows -> {
              List<ResumableUpload> taken = new ArrayList<>(rows.size());
              for (Row row : rows) {
                taken.add(UploadRows.upload(row));
              }
              taken.sort(OLDEST_FIRST);
              return new UploadList(taken);
            });
  }

  public Future<ReferencedKeys> referencedKeys(ReferencedKeysQuery query) {
    Requests.check(query);
    Set<String> asked = new LinkedHashSet<>(query.storageKeys());
    if (asked.isEmpty()) {
      return Future.succeededFuture(new ReferencedKeys(Set.of()));
    }
    return pool.preparedQuery(REFERENCED)
        .execute(Tuple.tuple().addArrayOfString(asked.toArray(String[]::new)))
        .map(
            rows -> {
              Set<String> referenced = new LinkedHashSet<>();
              for (Row row : rows) {
                referenced.add(row.getString("key"));
              }
              return new ReferencedKeys(referenced);
            });
  }

  /**
   * Runs a conditional change of one upload that returns the changed row. When the condition
   * refuses, reads the upload as it is now: 404 when it is gone, else the problem {@code refusal}
   * finds in its state.
   */
  private Future<ResumableUpload> change(
      String sql,
      Tuple params,
      String userId,
      UUID id,
      Function<UploadRows.State, ApiException> refusal) {
    return pool.preparedQuery(sql)
        .execute(params)
        .compose(
            rows -> {
              RowIterator<Row> changed = rows.iterator();
              if (changed.hasNext()) {
                return Future.succeededFuture(UploadRows.upload(changed.next()));
              }
              return state(userId, id)
                  .<ResumableUpload>compose(state -> Future.failedFuture(refusal.apply(state)));
            });
  }

  private Future<UploadRows.State> state(String userId, UUID id) {
    return pool.preparedQuery(SELECT).execute(Tuple.of(id, userId)).map(rows -> single(rows, id));
  }

  private static UploadRows.State single(RowSet<Row> rows, UUID id) {
    RowIterator<Row> iterator = rows.iterator();
    if (!iterator.hasNext()) {
      throw notFound(id.toString());
    }
    return UploadRows.state(iterator.next());
  }

  /** The statement, returning the columns {@link UploadRows#upload} reads. */
  private static String returningUpload(String statement) {
    return statement + "returning " + UploadRows.COLUMNS;
  }

  private static ApiException notFound(String id) {
    return ApiException.of(404, "upload-not-found", "Not found", "there is no upload " + id);
  }

  private static ApiException locked(String id) {
    return ApiException.conflict(
        "upload-locked",
        "another request is writing upload " + id + "; try again once it has finished");
  }

  private static ApiException committed(ResumableUpload upload) {
    return ApiException.conflict(
        "upload-committed",
        "upload "
            + upload.id()
            + " is complete and committed as revision "
            + upload.committedRev()
            + " (etag "
            + upload.committedEtag()
            + ")");
  }

  private static ApiException conflict(String detail) {
    return ApiException.conflict("upload-conflict", detail);
  }
}
