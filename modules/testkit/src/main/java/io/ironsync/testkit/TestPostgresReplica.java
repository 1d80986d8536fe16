package io.ironsync.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL primary with a hot standby that streams its WAL, once per test JVM (started on
 * first use, stopped when the JVM exits). The standby is made the way an operator would without
 * {@code pg_basebackup}: a cold copy of the primary's data directory taken after a clean shutdown,
 * started with {@code standby.signal} and a {@code primary_conninfo} that points at the restarted
 * primary.
 */
public final class TestPostgresReplica {

  private static final Duration CATCH_UP = Duration.ofSeconds(30);
  // files that belong to one running server and must not be copied into the standby
  private static final Set<String> NOT_COPIED =
      Set.of("postmaster.pid", "postmaster.opts", "epg-lock");

  private static TestPostgresReplica shared;

  private final Path root;
  private final EmbeddedPostgres primary;
  private final EmbeddedPostgres standby;
  private final AtomicInteger databases = new AtomicInteger();

  private TestPostgresReplica(Path root, EmbeddedPostgres primary, EmbeddedPostgres standby) {
    this.root = root;
    this.primary = primary;
    this.standby = standby;
  }

  public static synchronized TestPostgresReplica shared() {
    if (shared == null) {
      try {
        shared = start(Files.createTempDirectory("ironsync-pg-replica"));
        Runtime.getRuntime()
            .addShutdownHook(new Thread(shared::stop, "test-postgres-replica-stop"));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start PostgreSQL with a streaming replica", e);
      }
    }
    return shared;
  }

  private static TestPostgresReplica start(Path root) throws IOException {
    Path primaryDir = root.resolve("primary");
    Path standbyDir = root.resolve("standby");
    // initdb, then a clean shutdown, so the copy is a consistent cluster at a checkpoint
    primaryBuilder(primaryDir).start().close();
    copy(primaryDir, standbyDir);
    EmbeddedPostgres primary = primaryBuilder(primaryDir).start();
    String conninfo =
        "host=127.0.0.1 port=" + primary.getPort() + " user=postgres application_name=standby";
    EmbeddedPostgres standby =
        EmbeddedPostgres.builder()
            .setDataDirectory(standbyDir)
            .setCleanDataDirectory(false)
            .setDataDirectoryCustomizer(
                dir -> {
                  try {
                    Files.writeString(dir.toPath().resolve("standby.signal"), "");
                    Files.writeString(
                        dir.toPath().resolve("postgresql.auto.conf"),
                        "primary_conninfo = '" + conninfo + "'\nhot_standby_feedback = on\n");
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                })
            .start();
    TestPostgresReplica pair = new TestPostgresReplica(root, primary, standby);
    pair.awaitReplicaCaughtUp();
    return pair;
  }

  private static EmbeddedPostgres.Builder primaryBuilder(Path dir) {
    return EmbeddedPostgres.builder()
        .setDataDirectory(dir)
        .setCleanDataDirectory(false)
        // the standby starts from the copy's checkpoint; keep the WAL it needs until it connects
        .setServerConfig("wal_keep_size", "256MB");
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path source : (Iterable<Path>) paths::iterator) {
        if (NOT_COPIED.contains(source.getFileName().toString())) {
          continue;
        }
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    // PostgreSQL refuses a data directory that others may read
    Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwx------"));
  }

  public int primaryPort() {
    return primary.getPort();
  }

  public int replicaPort() {
    return standby.getPort();
  }

  /**
   * Creates an empty database on the primary, waits until the standby has it too, and returns its
   * name.
   */
  public String newDatabase() {
    String name = "replicated_" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet();
    TestPostgres.execute(primaryUrl("postgres"), "create database " + name);
    awaitReplicaCaughtUp();
    return name;
  }

  /** The {@code pg.url} of a database on the primary. */
  public String primaryUrl(String database) {
    return url(primaryPort(), database);
  }

  /** The {@code pg.read-url} of the same database on the standby. */
  public String replicaUrl(String database) {
    return url(replicaPort(), database);
  }

  /** The same database reached through another port, such as a proxy in front of the standby. */
  public static String url(int port, String database) {
    return "postgresql://postgres@127.0.0.1:" + port + "/" + database;
  }

  /**
   * Waits until the standby has replayed everything the primary has written so far (up to the
   * primary's insert position: with fsync off a commit may sit in WAL buffers for a moment).
   */
  public void awaitReplicaCaughtUp() {
    String written =
        (String)
            TestPostgres.query(
                    primaryUrl("postgres"), "select pg_current_wal_insert_lsn()::text as lsn")
                .get(0)
                .get("lsn");
    Eventually.await(
        "the standby replays up to " + written,
        CATCH_UP,
        () ->
            TestPostgres.count(
                    replicaUrl("postgres"),
                    "select count(*) where pg_last_wal_replay_lsn() >= '" + written + "'::pg_lsn")
                == 1);
  }

  /** Stops applying the primary's WAL on the standby, so what it serves stays as it is now. */
  public void pauseReplay() {
    TestPostgres.execute(replicaUrl("postgres"), "select pg_wal_replay_pause()");
    Eventually.await(
        "the standby's replay pauses",
        CATCH_UP,
        () ->
            TestPostgres.count(
                    replicaUrl("postgres"),
                    "select count(*) where pg_get_wal_replay_pause_state() = 'paused'")
                == 1);
  }

  /** Lets the standby replay again, and waits until it has caught up. */
  public void resumeReplay() {
    TestPostgres.execute(replicaUrl("postgres"), "select pg_wal_replay_resume()");
    awaitReplicaCaughtUp();
  }

  private void stop() {
    for (EmbeddedPostgres server : List.of(standby, primary)) {
      try {
        server.close();
      } catch (IOException e) {
        // the JVM is exiting; nothing useful to do
      }
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary directory is harmless
    }
  }
}
