package io.ironsync.metadata;

import io.ironsync.domain.ApiException;
import io.ironsync.domain.Caller;
import io.ironsync.metadata.impl.BatchCommitTransaction;
import io.ironsync.metadata.impl.CommitTransaction;
import io.ironsync.metadata.impl.DeleteTransaction;
import io.ironsync.metadata.impl.Failures;
import io.ironsync.metadata.impl.FileLookup;
import io.ironsync.metadata.impl.FolderListings;
import io.ironsync.metadata.impl.JournalReads;
import io.ironsync.metadata.impl.MoveTransaction;
import io.ironsync.metadata.impl.PgUrl;
import io.ironsync.metadata.impl.Problems;
import io.ironsync.metadata.impl.ReplicaReads;
import io.ironsync.metadata.impl.RestoreTransaction;
import io.ironsync.metadata.impl.ResumableUploads;
import io.ironsync.metadata.impl.RetentionSweep;
import io.ironsync.metadata.impl.StoredContent;
import io.ironsync.metadata.impl.UsageLookup;
import io.ironsync.metadata.impl.UserWriteQueue;
import io.ironsync.metadata.impl.VersionHistory;
import io.ironsync.observability.MetadataMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the {@link MetadataAddresses} from PostgreSQL through its own reactive pool. Several
 * instances may run side by side; each owns a pool of {@code poolSize} connections. The database
 * client never blocks, so the verticle runs on an event loop.
 *
 * <p>With a read replica, folder listings, version histories, the first listing of a delta feed and
 * the journal pages a device asks for ({@link ChangesRequest#mayLag()}) are read there, through a
 * second pool of the same size; everything else, and every read that must see the latest commit,
 * stays on the primary. A replica that fails sends its reads back to the primary.
 */
public final class MetadataVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(MetadataVerticle.class);

  // below the default metadata.request-timeout (10 s), so a caller stuck behind an exhausted or
  // unreachable database gets database-unavailable rather than a bare timeout
  private static final int POOL_WAIT_SECONDS = 5;
  // beyond this many waiting requests per pool, new ones fail at once (503) instead of piling up
  private static final int MAX_WAITING_PER_CONNECTION = 64;
  // if this process stalls or loses PostgreSQL mid-transaction, the server ends the transaction
  // and releases the user's lock instead of holding it until TCP gives up
  private static final String IDLE_IN_TRANSACTION_TIMEOUT = "30s";
  private static final int PREPARED_SQL_LIMIT = 8192;
  // after a replica failure, how long the primary serves every read before the replica is tried
  private static final Duration REPLICA_REST = Duration.ofSeconds(10);

  private final URI pgUrl;
  private final Optional<ReadReplica> replica;
  private final int poolSize;
  private final MetadataMetrics metrics;
  private final ChangeListener listener;
  private Pool pool;
  private Pool readPool;

  public MetadataVerticle(URI pgUrl, int poolSize, MetadataMetrics metrics) {
    this(pgUrl, poolSize, metrics, ChangeListener.NONE);
  }

  /** {@code listener} hears of every committed change, after its transaction. */
  public MetadataVerticle(
      URI pgUrl, int poolSize, MetadataMetrics metrics, ChangeListener listener) {
    this(pgUrl, Optional.empty(), poolSize, metrics, listener);
  }

  /** {@code replica} names a streaming replica of {@code pgUrl} for reads that may lag. */
  public MetadataVerticle(
      URI pgUrl,
      Optional<ReadReplica> replica,
      int poolSize,
      MetadataMetrics metrics,
      ChangeListener listener) {
    if (poolSize < 1) {
      throw new IllegalArgumentException("pool size must be positive: " + poolSize);
    }
    this.pgUrl = pgUrl;
    this.replica = replica;
    this.poolSize = poolSize;
    this.metrics = metrics;
    this.listener = listener;
  }

  @Override
  public Future<?> start() {
    MetadataBus.registerCodecs(vertx);
    PgUrl url = PgUrl.parse(pgUrl);
    pool = createPool(url, "ironsync-metadata");
    readPool =
        replica
            .map(r -> createPool(PgUrl.parse(r.url()), "ironsync-metadata-replica"))
            .orElse(null);
    UserWriteQueue writes = new UserWriteQueue();
    CommitTransaction commits = new CommitTransaction(pool, writes);
    DeleteTransaction deletes = new DeleteTransaction(pool, writes);
    FileLookup lookup = new FileLookup(pool);
    ReplicaReads mayLag =
        new ReplicaReads(
            readPool,
            pool,
            replica.map(ReadReplica::deadline).orElse(Duration.ZERO),
            REPLICA_REST,
            metrics);
    UsageLookup usage = new UsageLookup(pool);
    JournalReads journal = new JournalReads(pool);
    MoveTransaction moves = new MoveTransaction(pool, writes);
    RestoreTransaction restores = new RestoreTransaction(pool, writes);
    BatchCommitTransaction batches = new BatchCommitTransaction(pool, writes);
    StoredContent content = new StoredContent(pool);
    RetentionSweep retention = new RetentionSweep(pool);
    ResumableUploads uploads = new ResumableUploads(pool);
    return ping()
        .recover(
            failure ->
                Future.failedFuture(
                    new IllegalStateException(
                        "PostgreSQL at " + url.describe() + " does not answer: " + failure,
                        failure)))
        .compose(
            ready ->
                Future.all(
                    List.of(
                        serve(
                            MetadataAddresses.COMMIT,
                            "commit",
                            (CommitRequest request) ->
                                commits
                                    .commit(request)
                                    .onSuccess(result -> tell(request.caller(), result.changes())),
                            MetadataVerticle::commitOutcome),
                        serve(
                            MetadataAddresses.DELETE,
                            "delete",
                            (DeleteRequest request) ->
                                deletes
                                    .delete(request)
                                    .onSuccess(result -> announce(request, result)),
                            result -> "committed"),
                        serve(MetadataAddresses.GET, "get", lookup::get, result -> "ok"),
                        serve(
                            MetadataAddresses.LIST,
                            "list",
                            (ListRequest request) ->
                                mayLag.read(
                                    db -> new FolderListings(db).list(request), page -> true),
                            result -> "ok"),
                        serve(MetadataAddresses.USAGE, "usage", usage::usedBytes, result -> "ok"),
                        serve(
                            MetadataAddresses.CHANGES,
                            "changes",
                            (ChangesRequest request) ->
                                request.mayLag()
                                    // an empty page may only mean the replica is behind
                                    ? mayLag.read(
                                        db -> new JournalReads(db).changes(request),
                                        page -> !page.changes().isEmpty())
                                    : journal.changes(request),
                            result -> "ok"),
                        serve(
                            MetadataAddresses.SNAPSHOT,
                            "snapshot",
                            (SnapshotRequest request) ->
                                mayLag.read(
                                    db -> new JournalReads(db).snapshot(request),
                                    page -> page.headSeq() >= request.atLeastSeq()),
                            result -> "ok"),
                        serve(
                            MetadataAddresses.MOVE,
                            "move",
                            (MoveRequest request) ->
                                moves
                                    .move(request)
                                    .onSuccess(result -> tell(request.caller(), result.changes())),
                            result -> "committed"),
                        serve(
                            MetadataAddresses.VERSIONS,
                            "versions",
                            (VersionsRequest request) ->
                                mayLag.read(
                                    db -> new VersionHistory(db).versions(request),
                                    versions -> true),
                            result -> "ok"),
                        serve(
                            MetadataAddresses.RESTORE,
                            "restore",
                            (RestoreRequest request) ->
                                restores
                                    .restore(request)
                                    .onSuccess(result -> tell(request.caller(), result.changes())),
                            MetadataVerticle::commitOutcome),
                        serve(
                            MetadataAddresses.BATCH_COMMIT,
                            "batch",
                            (BatchCommitRequest request) ->
                                batches
                                    .commit(request)
                                    .onSuccess(result -> tell(request.caller(), result.changes())),
                            result -> result.changes().isEmpty() ? "unchanged" : "committed"),
                        serve(
                            MetadataAddresses.LOOKUP_HASHES,
                            "lookup-hashes",
                            content::lookup,
                            result -> "ok"),
                        serve(
                            MetadataAddresses.RETENTION,
                            "retention",
                            retention::sweep,
                            result -> "ok"),
                        serve(
                            MetadataAddresses.CREATE_UPLOAD,
                            "create-upload",
                            uploads::create,
                            result -> "ok"),
                        serve(
                            MetadataAddresses.GET_UPLOAD,
                            "get-upload",
                            uploads::get,
                            result -> "ok"),
                        serve(
                            MetadataAddresses.GET_UPLOADS,
                            "get-uploads",
                            uploads::getAll,
                            result -> "ok"),
                        serve(
                            MetadataAddresses.CLAIM_UPLOAD,
                            "claim-upload",
                            uploads::claim,
                            result -> "ok"),
                        serve(
                            MetadataAddresses.SAVE_UPLOAD,
                            "save-upload",
                            uploads::save,
                            result -> "ok"),
                        serve(
                            MetadataAddresses.RELEASE_UPLOAD,
                            "release-upload",
                            uploads::release,
                            result -> "ok"),
                        serve(
                            MetadataAddresses.MARK_UPLOAD_COMMITTED,
                            "mark-upload-committed",
                            uploads::markCommitted,
                            result -> "ok"),
                        serve(
                            MetadataAddresses.DELETE_UPLOAD,
                            "delete-upload",
                            uploads::delete,
                            result -> "ok"),
                        serve(
                            MetadataAddresses.TAKE_EXPIRED_UPLOADS,
                            "take-expired-uploads",
                            uploads::takeExpired,
                            result -> "ok"),
                        serve(
                            MetadataAddresses.REFERENCED_KEYS,
                            "referenced-keys",
                            uploads::referencedKeys,
                            result -> "ok"),
                        servePing())))
        .recover(failure -> closePools().transform(closed -> Future.failedFuture(failure)));
  }

  @Override
  public Future<?> stop() {
    return closePools();
  }

  private Future<Void> closePools() {
    return readPool == null ? pool.close() : Future.join(pool.close(), readPool.close()).mapEmpty();
  }

  private static String commitOutcome(CommitResult result) {
    return switch (result.outcome()) {
      case UNCHANGED -> "unchanged";
      case CONFLICT_COPY -> "conflict-copy";
      case CREATED, UPDATED -> "committed";
    };
  }

  private void announce(DeleteRequest request, DeleteResult result) {
    tell(
        request.caller(),
        List.of(
            new Change(
                result.journalSeq(),
                Change.Op.DELETE,
                request.path().value(),
                null,
                result.rev(),
                null,
                null,
                null,
                request.caller().deviceId(),
                result.at(),
                null)));
  }

  /** Passes on what a write journaled, once its transaction has committed. */
  private void tell(Caller caller, List<Change> changes) {
    if (changes.isEmpty()) {
      return;
    }
    try {
      listener.changed(caller.userId(), changes);
    } catch (RuntimeException e) {
      // the changes are committed and in the journal; devices will find them by cursor
      log.error(
          "passing on changes {} to {} of a user failed",
          changes.get(0).seq(),
          changes.get(changes.size() - 1).seq(),
          e);
    }
  }

  private Pool createPool(PgUrl url, String name) {
    PgConnectOptions connect =
        url.connectOptions()
            .setCachePreparedStatements(true)
            .addProperty("application_name", "ironsync-metadata")
            .addProperty("idle_in_transaction_session_timeout", IDLE_IN_TRANSACTION_TIMEOUT);
    // the commit statement is long; it must still be prepared once per connection, not per call
    connect.setPreparedStatementCacheSqlLimit(PREPARED_SQL_LIMIT);
    PoolOptions options =
        new PoolOptions()
            .setName(name)
            .setMaxSize(poolSize)
            .setMaxWaitQueueSize(poolSize * MAX_WAITING_PER_CONNECTION)
            .setConnectionTimeout(POOL_WAIT_SECONDS)
            .setConnectionTimeoutUnit(TimeUnit.SECONDS);
    return PgBuilder.pool().with(options).connectingTo(connect).using(vertx).build();
  }

  private Future<Void> ping() {
    return pool.query("select 1").execute().mapEmpty();
  }

  private <T, R> Future<Void> serve(
      String address,
      String operation,
      Function<T, Future<R>> action,
      Function<R, String> outcomeOf) {
    return vertx
        .eventBus()
        .<T>consumer(
            address,
            message -> {
              long started = System.nanoTime();
              run(action, message.body())
                  .onComplete(
                      result -> {
                        String outcome =
                            result.succeeded()
                                ? outcomeOf.apply(result.result())
                                : failureOutcome(result.cause());
                        metrics.transactionFinished(
                            operation, outcome, Duration.ofNanos(System.nanoTime() - started));
                        if (result.succeeded()) {
                          message.reply(result.result());
                        } else {
                          fail(message, address, result.cause());
                        }
                      });
            })
        .completion();
  }

  private Future<Void> servePing() {
    return vertx
        .eventBus()
        .consumer(
            MetadataAddresses.PING,
            message ->
                ping()
                    .onComplete(
                        result -> {
                          if (result.succeeded()) {
                            message.reply(null);
                          } else {
                            fail(message, MetadataAddresses.PING, result.cause());
                          }
                        }))
        .completion();
  }

  /** Turns a check that throws before the first query into a failed future like the rest. */
  private static <T, R> Future<R> run(Function<T, Future<R>> action, T body) {
    try {
      return action.apply(body);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private static String failureOutcome(Throwable failure) {
    // a full quota is the user's limit, like a failed precondition, not the service failing
    return failure instanceof ApiException api && (api.status() < 500 || api.status() == 507)
        ? "rejected"
        : "failed";
  }

  private static void fail(Message<?> message, String address, Throwable failure) {
    ApiException problem = Failures.toApiException(failure);
    if (failure instanceof ApiException || Failures.isOverload(failure)) {
      // a refusal under overload is one of thousands a second: a line each would add to the load
      log.debug("{}: {} {}", address, problem.status(), problem.detail());
    } else if (Failures.isDatabaseTrouble(failure)) {
      log.warn("{}: PostgreSQL failed: {}", address, failure.toString());
    } else {
      log.error("{}: unexpected failure", address, failure);
    }
    message.fail(problem.status(), Problems.toJson(problem));
  }
}
