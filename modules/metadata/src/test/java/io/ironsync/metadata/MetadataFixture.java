package io.ironsync.metadata;

import io.ironsync.domain.Caller;
import io.ironsync.domain.FilePath;
import io.ironsync.testkit.TestPostgres;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * A fresh, migrated database with the metadata verticle deployed on a test class's Vert.x, and the
 * client the edge would use. Each test takes its own user, so tests in a class do not interfere.
 */
final class MetadataFixture {

  static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

  final String pgUrl;
  final MetadataClient client;
  final RecordingMetrics metrics;

  private MetadataFixture(String pgUrl, MetadataClient client, RecordingMetrics metrics) {
    this.pgUrl = pgUrl;
    this.client = client;
    this.metrics = metrics;
  }

  /** Blocks the calling (test) thread until the verticle is up. */
  static MetadataFixture deploy(Vertx vertx) {
    return deploy(vertx, 1);
  }

  /**
   * Deploys {@code instances} verticles over one database, as a node with several cores runs them.
   * The bus spreads requests across them, so one user's writes race in PostgreSQL rather than
   * queueing in one verticle.
   */
  static MetadataFixture deploy(Vertx vertx, int instances) {
    return deploy(vertx, instances, ChangeListener.NONE);
  }

  /** As {@link #deploy(Vertx, int)}, telling {@code listener} of every committed change. */
  static MetadataFixture deploy(Vertx vertx, int instances, ChangeListener listener) {
    return deploy(vertx, instances, listener, UnaryOperator.identity());
  }

  /**
   * As {@link #deploy(Vertx, int, ChangeListener)}, with the verticle reaching the database at
   * {@code route.apply(pgUrl)} (a proxy) while the fixture's own queries go to it directly.
   */
  static MetadataFixture deploy(
      Vertx vertx, int instances, ChangeListener listener, UnaryOperator<String> route) {
    String pgUrl = TestPostgres.shared().newDatabase();
    SchemaMigrator.migrate(URI.create(pgUrl));
    RecordingMetrics metrics = new RecordingMetrics();
    URI verticleUrl = URI.create(route.apply(pgUrl));
    vertx
        .deployVerticle(
            () -> new MetadataVerticle(verticleUrl, 4, metrics, listener),
            new DeploymentOptions().setInstances(instances))
        .await();
    return new MetadataFixture(pgUrl, MetadataClient.overEventBus(vertx, SEND_TIMEOUT), metrics);
  }

  /**
   * A listener that records each change it hears as {@code "<user> <seq> <OP> <path>"}, or {@code
   * "<user> <seq> MOVE <from> -> <path>"} for a move.
   */
  static ChangeListener describingInto(List<String> heard) {
    return (userId, changes) ->
        changes.forEach(
            change ->
                heard.add(
                    userId
                        + " "
                        + change.seq()
                        + " "
                        + change.op()
                        + " "
                        + (change.from() == null ? "" : change.from() + " -> ")
                        + change.path()));
  }

  static String newUser() {
    return "user-" + UUID.randomUUID();
  }

  static CommitRequest put(String user, String path, String content) {
    return put(user, path, content, Precondition.NONE);
  }

  static CommitRequest put(String user, String path, String content, Precondition precondition) {
    return new CommitRequest(
        new Caller(user, "laptop"),
        FilePath.of(path),
        "blobs/" + UUID.randomUUID(),
        content.getBytes(StandardCharsets.UTF_8).length,
        sha256(content),
        precondition);
  }

  /** The same commit, limited by a storage quota. */
  static CommitRequest withQuota(CommitRequest request, long quotaBytes) {
    return new CommitRequest(
        request.caller(),
        request.path(),
        request.blobKey(),
        request.size(),
        request.sha256(),
        request.precondition(),
        quotaBytes);
  }

  /** A batch item of new content, stored under a fresh key. */
  static BatchCommitRequest.BatchItem item(String path, String content) {
    return item(path, content, Precondition.NONE);
  }

  static BatchCommitRequest.BatchItem item(String path, String content, Precondition precondition) {
    return new BatchCommitRequest.BatchItem(
        FilePath.of(path),
        "blobs/" + UUID.randomUUID(),
        content.getBytes(StandardCharsets.UTF_8).length,
        sha256(content),
        precondition);
  }

  static BatchCommitRequest batch(String user, List<BatchCommitRequest.BatchItem> items) {
    return new BatchCommitRequest(new Caller(user, "laptop"), items, 0);
  }

  static DeleteRequest delete(String user, String path) {
    return new DeleteRequest(new Caller(user, "phone"), FilePath.of(path), Precondition.NONE);
  }

  static String sha256(String content) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(content.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  CommitResult commit(CommitRequest request) {
    return client.commit(request).await();
  }

  long usedBytes(String user) {
    return client.usedBytes(user).await();
  }

  List<Map<String, Object>> rows(String sql) {
    return TestPostgres.query(pgUrl, sql);
  }

  long count(String sql) {
    return TestPostgres.count(pgUrl, sql);
  }

  Map<String, Long> footprint(String user) {
    return footprint(pgUrl, user);
  }

  /**
   * What a user's rows add up to: the journal seq, the storage usage and the row count of each
   * table.
   */
  static Map<String, Long> footprint(String pgUrl, String user) {
    String u = "'" + user + "'";
    return Map.of(
        "seq",
        TestPostgres.count(
            pgUrl, "select coalesce((select journal_seq from users where id = " + u + "), 0)"),
        "usedBytes",
        TestPostgres.count(
            pgUrl, "select coalesce((select used_bytes from users where id = " + u + "), 0)"),
        "journal",
        TestPostgres.count(pgUrl, "select count(*) from journal where user_id = " + u),
        "versions",
        TestPostgres.count(pgUrl, "select count(*) from versions where user_id = " + u),
        "blobs",
        TestPostgres.count(pgUrl, "select count(*) from blobs where user_id = " + u),
        "files",
        TestPostgres.count(pgUrl, "select count(*) from files where user_id = " + u));
  }
}
