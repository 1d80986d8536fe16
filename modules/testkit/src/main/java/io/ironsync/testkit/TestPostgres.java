package io.ironsync.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server per test JVM (embedded binaries, started on first use, stopped when
 * the JVM exits). Each test class takes a fresh database from {@link #newDatabase()} so tests do
 * not see each other's rows.
 */
public final class TestPostgres {

  private static TestPostgres shared;

  private final EmbeddedPostgres server;
  private final AtomicInteger databases = new AtomicInteger();

  private TestPostgres(EmbeddedPostgres server) {
    this.server = server;
  }

  public static synchronized TestPostgres shared() {
    if (shared == null) {
      try {
        EmbeddedPostgres server = EmbeddedPostgres.builder().start();
        shared = new TestPostgres(server);
        Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "test-postgres-stop"));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
      }
    }
    return shared;
  }

  public int port() {
    return server.getPort();
  }

  /** Creates an empty database and returns its URL in the form {@code pg.url} takes. */
  public String newDatabase() {
    String name = "test_" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet();
    execute(adminUrl(), "create database " + name);
    return url(name);
  }

  /** {@code postgresql://postgres@127.0.0.1:PORT/NAME}: the gateway's {@code pg.url} form. */
  public String url(String database) {
    return "postgresql://postgres@127.0.0.1:" + port() + "/" + database;
  }

  /** The JDBC URL for a {@code pg.url}, for assertions from test code. */
  public static String jdbcUrl(String pgUrl) {
    return "jdbc:" + pgUrl.replace("postgresql://postgres@", "postgresql://");
  }

  private String adminUrl() {
    return url("postgres");
  }

  /** Runs one statement against the database named by a {@code pg.url}. */
  public static void execute(String pgUrl, String sql) {
    try (Connection c = connect(pgUrl);
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed: " + sql, e);
    }
  }

  /** Runs a query and returns its rows as column-name to value maps, in order. */
  public static List<Map<String, Object>> query(String pgUrl, String sql) {
    try (Connection c = connect(pgUrl);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      List<Map<String, Object>> rows = new ArrayList<>();
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= columns; i++) {
          row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
        }
        rows.add(row);
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed: " + sql, e);
    }
  }

  /** The single number a {@code select count(*) ...} style query returns. */
  public static long count(String pgUrl, String sql) {
    Object value = query(pgUrl, sql).get(0).values().iterator().next();
    return ((Number) value).longValue();
  }

  private static Connection connect(String pgUrl) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(pgUrl), "postgres", "");
  }

  private void stop() {
    try {
      server.close();
    } catch (IOException e) {
      // the JVM is exiting; nothing useful to do
    }
  }
}
