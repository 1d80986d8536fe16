package io.ironsync.metadata;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone default: a real PostgreSQL server run from binaries shipped in the jar, with its
 * data under {@code dataDir/pg} (kept across restarts) and its binaries unpacked under {@code
 * dataDir/pg-bin}. It listens on loopback only.
 *
 * <p>Starting and stopping block (a first start unpacks binaries and runs initdb, a few seconds),
 * so both happen at boot or shutdown, never on an event loop. Whoever starts it closes it, after
 * the verticles that use it are gone; there is deliberately no shutdown hook, which could stop the
 * server while in-flight commits still finish.
 */
public final class EmbeddedDatabase implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
  private static final String DATABASE = "ironsync";

  private final EmbeddedPostgres server;
  private final URI url;

  private EmbeddedDatabase(EmbeddedPostgres server, URI url) {
    this.server = server;
    this.url = url;
  }

  /**
   * Starts the server on a free loopback port and creates the {@value #DATABASE} database if it is
   * missing.
   */
  public static EmbeddedDatabase start(Path dataDir) {
    Path data = dataDir.resolve("pg");
    EmbeddedPostgres server;
    try {
      server =
          EmbeddedPostgres.builder()
              .setDataDirectory(data)
              .setCleanDataDirectory(false)
              .setOverrideWorkingDirectory(dataDir.resolve("pg-bin").toFile())
              .setRegisterShutdownHook(false)
              // the embedded defaults suit tests (fsync and synchronous commit off); a 2xx here
              // promises the change survives a crash, so both go back on
              .setServerConfig("fsync", "on")
              .setServerConfig("synchronous_commit", "on")
              .setServerConfig("full_page_writes", "on")
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + data, e);
    }
    try {
      createDatabaseIfMissing(server);
    } catch (SQLException | RuntimeException e) {
      closeQuietly(server);
      throw new IllegalStateException("cannot create the " + DATABASE + " database in " + data, e);
    }
    URI url = URI.create("postgresql://postgres@127.0.0.1:" + server.getPort() + "/" + DATABASE);
    log.info("embedded PostgreSQL serves {} from {}", url, data);
    return new EmbeddedDatabase(server, url);
  }

  private static void createDatabaseIfMissing(EmbeddedPostgres server) throws SQLException {
    try (Connection connection = server.getPostgresDatabase().getConnection();
        PreparedStatement exists =
            connection.prepareStatement("select 1 from pg_database where datname = ?")) {
      exists.setString(1, DATABASE);
      try (ResultSet rows = exists.executeQuery()) {
        if (rows.next()) {
          return;
        }
      }
      try (Statement create = connection.createStatement()) {
        create.execute("create database " + DATABASE);
      }
    }
  }

  /** {@code postgresql://postgres@127.0.0.1:PORT/ironsync}, the {@code pg.url} form. */
  public URI url() {
    return url;
  }

  /** Stops the server (a fast shutdown: open transactions roll back). */
  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stop the embedded PostgreSQL", e);
    }
  }

  private static void closeQuietly(EmbeddedPostgres server) {
    try {
      server.close();
    } catch (IOException | RuntimeException e) {
      log.warn("cannot stop the embedded PostgreSQL after a failed start: {}", e.toString());
    }
  }
}
