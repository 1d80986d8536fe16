package io.ironsync.app;

import io.ironsync.auth.AuthKeys;
import io.ironsync.auth.TokenVerifier;
import io.ironsync.config.IronSyncConfig;
import io.ironsync.download.DownloadHandler;
import io.ironsync.edge.EdgeServices;
import io.ironsync.edge.EdgeVerticle;
import io.ironsync.edge.SelfSignedTls;
import io.ironsync.metadata.EmbeddedDatabase;
import io.ironsync.metadata.MetadataClient;
import io.ironsync.metadata.MetadataVerticle;
import io.ironsync.metadata.ReadReplica;
import io.ironsync.metadata.SchemaMigrator;
import io.ironsync.notify.ChangePublisher;
import io.ironsync.notify.HubSettings;
import io.ironsync.notify.KafkaRelay;
import io.ironsync.observability.ManagementVerticle;
import io.ironsync.observability.Observability;
import io.ironsync.observability.ReadinessCheck;
import io.ironsync.observability.Tracing;
import io.ironsync.ratelimit.UploadSlots;
import io.ironsync.ratelimit.UserLimits;
import io.ironsync.resumable.TusEndpoints;
import io.ironsync.storage.BufferBudget;
import io.ironsync.storage.ObjectStore;
import io.ironsync.storage.ObjectStores;
import io.ironsync.sweeper.ExpiredUploadSweeper;
import io.ironsync.sweeper.OrphanSweeper;
import io.ironsync.sweeper.RetentionSweeper;
import io.ironsync.sync.SyncService;
import io.ironsync.upload.BatchUploads;
import io.ironsync.upload.InFlightUploads;
import io.ironsync.upload.UploadHandler;
import io.ironsync.upload.UploadServices;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running gateway node: builds the one {@link Vertx}, starts what standalone mode needs,
 * deploys the verticles and stops them in order. Wiring only; the modules hold the logic.
 */
public final class Gateway {

  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  /** After the grace period, how long aborted uploads get to clean up their blobs. */
  private static final Duration CLEANUP_AFTER_GRACE = Duration.ofSeconds(10);

  /** How long a tus PATCH holds its upload between renewals (a crashed node's hold ends then). */
  private static final Duration TUS_LEASE = Duration.ofSeconds(30);

  private final IronSyncConfig config;
  private final Vertx vertx;
  private final Tracing tracing;
  private final EmbeddedDatabase embeddedDatabase;
  private final ObjectStore store;
  private final UserLimits limits;
  private final Optional<KafkaRelay> relay;
  private final RetentionSweeper sweeper;
  private final ExpiredUploadSweeper uploadSweeper;
  private final OrphanSweeper orphanSweeper;
  private final InFlightUploads inFlight;
  private final AtomicBoolean draining;
  private final String edgeDeployment;
  private final List<String> backendDeployments;
  private final int port;
  private final java.util.SortedSet<String> routes;
  private final int tlsPort;
  private final int managementPort;

  private Gateway(Builder b) {
    this.config = b.config;
    this.vertx = b.vertx;
    this.tracing = b.tracing;
    this.embeddedDatabase = b.embeddedDatabase;
    this.store = b.store;
    this.limits = b.limits;
    this.relay = b.relay;
    this.sweeper = b.sweeper;
    this.uploadSweeper = b.uploadSweeper;
    this.orphanSweeper = b.orphanSweeper;
    this.inFlight = b.inFlight;
    this.draining = b.draining;
    this.edgeDeployment = b.edgeDeployment;
    this.backendDeployments = b.backendDeployments;
    this.port = b.port;
    this.routes = b.routes;
    this.tlsPort = b.tlsPort;
    this.managementPort = b.managementPort;
  }

  /** Starts a node and returns once it serves traffic. Blocking; call from a plain thread. */
  public static Gateway start(IronSyncConfig config) {
    Builder b = new Builder(config);
    try {
      b.start();
      return new Gateway(b);
    } catch (RuntimeException e) {
      b.closeQuietly();
      throw e;
    }
  }

  /** Fields collected while starting, so a failed start can release what it had opened. */
  private static final class Builder {
    private final IronSyncConfig config;
    private final Observability observability;
    private final Tracing tracing;
    private final Vertx vertx;
    private final InFlightUploads inFlight = new InFlightUploads();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final List<String> backendDeployments = new CopyOnWriteArrayList<>();
    private EmbeddedDatabase embeddedDatabase;
    private ObjectStore store;
    private UserLimits limits;
    private Optional<KafkaRelay> relay = Optional.empty();
    private RetentionSweeper sweeper;
    private ExpiredUploadSweeper uploadSweeper;
    private OrphanSweeper orphanSweeper;
    private String edgeDeployment;
    private int port;
    private java.util.SortedSet<String> routes;
    private int tlsPort;
    private int managementPort;

    Builder(IronSyncConfig config) {
      this.config = config;
      this.observability = Observability.create(config.nodeId());
      this.tracing = Tracing.create(config.tracing(), config.nodeId());
      this.vertx =
          Vertx.builder()
              .with(
                  new VertxOptions()
                      .setMetricsOptions(observability.vertxMetricsOptions())
                      .setTracingOptions(tracing.vertxTracingOptions()))
              .withMetrics(observability.vertxMetricsFactory())
              .withTracer(tracing.vertxTracerFactory())
              .build();
    }

    void start() {
      createDataDir();
      URI pgUrl = config.pg().url().orElseGet(this::startEmbeddedDatabase);
      SchemaMigrator.migrate(pgUrl);
      AuthKeys keys = AuthKeys.resolve(config.auth(), config.dataDir());
      IronSyncConfig.TlsFiles tls = SelfSignedTls.resolve(config);
      BufferBudget budget = LimitsSetup.bufferBudget(config.limits());
      store =
          await(
              ObjectStores.open(
                  vertx, config.storage(), config.dataDir(), observability.storage(), budget));
      limits = LimitsSetup.userLimits(vertx, config, observability.rateLimits());
      UploadSlots slots =
          LimitsSetup.uploadSlots(vertx, config.limits(), observability.rateLimits());
      observability.rateLimits().watch(slots::waiting, slots::active, budget::reserved);

      // unique per process, so two nodes that share a host name still skip only their own batches
      String origin = config.nodeId() + "/" + UUID.randomUUID();
      relay =
          config
              .kafka()
              .map(
                  kafka ->
                      await(
                          KafkaRelay.start(
                              vertx,
                              new KafkaRelay.Settings(
                                  kafka.bootstrapServers(), kafka.topic(), kafka.partitions()),
                              origin,
                              observability.sync())));
      ChangePublisher publisher = new ChangePublisher(vertx, origin, relay, observability.sync());
      backendDeployments.add(
          await(
              vertx.deployVerticle(
                  () ->
                      new MetadataVerticle(
                          pgUrl,
                          config
                              .pg()
                              .readUrl()
                              .map(
                                  url ->
                                      ReadReplica.within(url, config.metadata().requestTimeout())),
                          config.pg().poolSize(),
                          observability.metadata(),
                          publisher),
                  new DeploymentOptions().setInstances(config.metadata().instances()))));
      MetadataClient metadata =
          MetadataClient.overEventBus(vertx, config.metadata().requestTimeout());

      UploadServices uploadServices =
          new UploadServices(
              store,
              metadata,
              observability.uploads(),
              config.limits().maxFileBytes(),
              config.limits().quotaBytes(),
              inFlight,
              slots,
              limits);
      EdgeServices services =
          new EdgeServices(
              TokenVerifier.create(vertx, keys, config.auth().issuer(), config.auth().audience()),
              new UploadHandler(uploadServices),
              new BatchUploads(uploadServices),
              new DownloadHandler(
                  store,
                  metadata,
                  observability.downloads(),
                  config.storage().s3().map(IronSyncConfig.S3::presignTtl).orElse(Duration.ZERO),
                  limits),
              metadata,
              limits,
              new SyncService(
                  metadata,
                  new HubSettings(
                      config.sync().coalesceWindow(),
                      HubSettings.defaults().maxPerNotification(),
                      config.sync().heartbeat(),
                      HubSettings.defaults().catchUpPage(),
                      HubSettings.defaults().maxHeld()),
                  config.sync().longPollBackoffAbove(),
                  longPollLimit(config.http().idleTimeout()),
                  config.sync().maxStreamsPerUser(),
                  observability.sync()),
              new TusEndpoints(
                  uploadServices,
                  new TusEndpoints.Settings(config.retention().unfinishedUploads(), TUS_LEASE)),
              config.limits().quotaBytes());
      List<EdgeVerticle> edges = new CopyOnWriteArrayList<>();
      edgeDeployment =
          await(
              vertx.deployVerticle(
                  () -> {
                    EdgeVerticle edge =
                        new EdgeVerticle(
                            config.http(),
                            tls,
                            config.shutdownGracePeriod(),
                            services,
                            observability.connections());
                    edges.add(edge);
                    return edge;
                  },
                  new DeploymentOptions().setInstances(config.http().instances())));
      port = edges.get(0).actualPort();
      tlsPort = edges.get(0).actualTlsPort();
      routes = edges.get(0).routes();

      List<ReadinessCheck> checks = new ArrayList<>();
      checks.add(new ReadinessCheck("postgresql", metadata::ping));
      checks.add(new ReadinessCheck("object-store", store::ping));
      relay.ifPresent(kafka -> checks.add(new ReadinessCheck("kafka", kafka::ping)));
      sweeper =
          new RetentionSweeper(
              vertx,
              metadata,
              store,
              new RetentionSweeper.Settings(
                  config.retention().versions(),
                  config.retention().journal(),
                  config.retention().sweepInterval()),
              observability.sweepers());
      sweeper.start();
      uploadSweeper =
          new ExpiredUploadSweeper(
              vertx, metadata, store, config.retention().sweepInterval(), observability.sweepers());
      uploadSweeper.start();
      orphanSweeper =
          new OrphanSweeper(
              vertx, metadata, store, config.retention().orphanAge(), observability.sweepers());
      orphanSweeper.start(config.retention().sweepInterval());

      ManagementVerticle management =
          new ManagementVerticle(
              config.management().host(),
              config.management().port(),
              observability,
              List.copyOf(checks),
              draining);
      backendDeployments.add(await(vertx.deployVerticle(management)));
      managementPort = management.actualPort();
    }

    /** Long-polls answer before the idle timeout would close their silent connection. */
    private static Duration longPollLimit(Duration idleTimeout) {
      Duration margin = Duration.ofSeconds(5);
      return idleTimeout.compareTo(margin.multipliedBy(2)) > 0
          ? idleTimeout.minus(margin)
          : idleTimeout.dividedBy(2);
    }

    private void createDataDir() {
      try {
        Files.createDirectories(config.dataDir());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create data.dir " + config.dataDir(), e);
      }
    }

    private URI startEmbeddedDatabase() {
      embeddedDatabase = EmbeddedDatabase.start(config.dataDir());
      return embeddedDatabase.url();
    }

    void closeQuietly() {
      try {
        relay.ifPresent(kafka -> await(kafka.close()));
        await(vertx.close());
      } catch (RuntimeException e) {
        LOG.warn("closing Vert.x after a failed start: {}", e.getMessage());
      }
      tracing.close();
      if (embeddedDatabase != null) {
        embeddedDatabase.close();
      }
    }
  }

  /** The public API's routes as {@code METHOD /template}, e.g. {@code PUT /v1/files/{path}}. */
  public java.util.SortedSet<String> routes() {
    return routes;
  }

  /**
   * One pass of every clean-up, in the order that frees the most: expired resumable uploads,
   * retention, then orphans. Answers a line per step for the {@code gc} command.
   */
  public List<String> collectGarbage() {
    long expired = await(uploadSweeper.runOnce());
    RetentionSweeper.Run retention = await(sweeper.runOnce());
    OrphanSweeper.Run orphans = await(orphanSweeper.runOnce());
    return List.of(
        "expired resumable uploads removed: " + expired,
        "retention: "
            + retention.versionsRemoved()
            + " revisions, "
            + retention.journalRowsRemoved()
            + " journal entries, "
            + retention.objectsDeleted()
            + " objects removed",
        "orphans removed: "
            + orphans.orphansRemoved()
            + " ("
            + orphans.bytesRemoved()
            + " bytes); left because younger than retention.orphan-age: "
            + orphans.orphanedBytesLeft()
            + " bytes, "
            + orphans.uploadsLeft()
            + " unfinished multipart uploads");
  }

  /**
   * Graceful stop: readiness turns DOWN, the servers stop accepting and let requests in flight
   * finish for the grace period, aborted uploads clean up their blobs, then the backends close.
   */
  public void stop() {
    LOG.info(
        "stopping: {} uploads in flight, grace period {}",
        inFlight.count(),
        config.shutdownGracePeriod());
    draining.set(true);
    inFlight.startDraining();
    sweeper.stop();
    uploadSweeper.stop();
    orphanSweeper.stop();
    try {
      await(vertx.undeploy(edgeDeployment));
      await(inFlight.awaitIdle(vertx, CLEANUP_AFTER_GRACE));
      for (String deployment : backendDeployments) {
        await(vertx.undeploy(deployment));
      }
      await(limits.close());
      if (relay.isPresent()) {
        await(relay.get().close());
      }
      await(store.close());
    } catch (RuntimeException e) {
      LOG.warn("graceful stop did not complete: {}", e.getMessage());
    } finally {
      try {
        await(vertx.close());
      } finally {
        tracing.close();
        if (embeddedDatabase != null) {
          embeddedDatabase.close();
        }
        LOG.info("stopped");
      }
    }
  }

  public int port() {
    return port;
  }

  public int tlsPort() {
    return tlsPort;
  }

  public int managementPort() {
    return managementPort;
  }

  public IronSyncConfig config() {
    return config;
  }

  /** Blocks the calling (non event-loop) thread until the future completes. */
  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("timed out", e);
    }
  }
}
