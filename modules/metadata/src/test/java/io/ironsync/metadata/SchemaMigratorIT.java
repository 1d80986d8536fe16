package io.ironsync.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.testkit.TestPostgres;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SchemaMigratorIT {

  @Test
  void migrating_twice_applies_each_migration_once() {
    String pgUrl = TestPostgres.shared().newDatabase();

    SchemaMigrator.migrate(URI.create(pgUrl));
    SchemaMigrator.migrate(URI.create(pgUrl));

    assertThat(
            TestPostgres.query(
                pgUrl,
                "select version, success from flyway_schema_history order by installed_rank"))
        .containsExactly(Map.of("version", "1", "success", true));
    assertThat(
            TestPostgres.query(
                    pgUrl,
                    "select table_name from information_schema.tables"
                        + " where table_schema = 'public' and table_name <> 'flyway_schema_history'"
                        + " order by table_name")
                .stream()
                .map(row -> row.get("table_name"))
                .toList())
        .isEqualTo(List.of("blobs", "files", "journal", "users", "versions"));
  }

  @Test
  void paths_compare_byte_wise_whatever_the_server_locale() {
    String pgUrl = TestPostgres.shared().newDatabase();
    SchemaMigrator.migrate(URI.create(pgUrl));

    assertThat(
            TestPostgres.query(
                pgUrl,
                "select table_name, column_name, collation_name from information_schema.columns"
                    + " where table_schema = 'public' and column_name in ('path', 'parent', 'name')"
                    + " and collation_name is distinct from 'C'"))
        .isEmpty();
  }
}
