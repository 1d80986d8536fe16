package io.ironsync.metadata;

import io.ironsync.metadata.impl.PgUrl;
import java.net.URI;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a database's schema up to date with this build's migrations ({@code db/migration}). It
 * uses JDBC and blocks, so it runs at boot on a worker or the main thread, never on an event loop.
 * Running it again, or from several nodes at once, is safe: Flyway applies each migration once
 * under a database lock.
 */
public final class SchemaMigrator {

  private static final Logger log = LoggerFactory.getLogger(SchemaMigrator.class);

  private SchemaMigrator() {}

  /**
   * @param pgUrl a {@code postgresql://user:pass@host:port/db} URL
   * @throws org.flywaydb.core.api.FlywayException when the database cannot be reached or a
   *     migration fails
   */
  public static void migrate(URI pgUrl) {
    PgUrl url = PgUrl.parse(pgUrl);
    MigrateResult result =
        Flyway.configure(SchemaMigrator.class.getClassLoader())
            .dataSource(url.jdbcUrl(), url.user(), url.password())
            .locations("classpath:db/migration")
            .failOnMissingLocations(true)
            .load()
            .migrate();
    log.info(
        "schema of {} is at version {} ({} migrations applied now)",
        url.describe(),
        result.targetSchemaVersion == null
            ? result.initialSchemaVersion
            : result.targetSchemaVersion,
        result.migrationsExecuted);
  }
}
