package io.ironsync.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ironsync.testkit.TestPostgres;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
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
        .containsExactly(
            Map.of("version", "1", "success", true),
            Map.of("version", "2", "success", true),
            Map.of("version", "3", "success", true),
            Map.of("version", "4", "success", true),
            Map.of("version", "5", "success", true));
    assertThat(
            TestPostgres.query(
                    pgUrl,
                    "select table_name from information_schema.tables"
                        + " where table_schema = 'public' and table_name <> 'flyway_schema_history'"
                        + " order by table_name")
                .stream()
                .map(row -> row.get("table_name"))
                .toList())
        .isEqualTo(List.of("blobs", "files", "journal", "uploads", "users", "versions"));
  }

  @Test
  void version_2_backfills_usage_from_the_live_heads_of_existing_data() {
    String pgUrl = TestPostgres.shared().newDatabase();
    // SchemaMigrator always goes to the latest version, so Flyway itself stops at version 1
    Flyway.configure(SchemaMigrator.class.getClassLoader())
        .dataSource(TestPostgres.jdbcUrl(pgUrl), "postgres", "")
        .locations("classpath:db/migration")
        .target("1")
        .load()
        .migrate();
    // alice: two live files (100 + 20 bytes) whose older revision and a deleted file do not count;
    // bob: only a deleted file; carol: no files at all
    TestPostgres.execute(
        pgUrl,
        """
        insert into users (id, journal_seq) values ('alice', 5), ('bob', 2), ('carol', 0);
        insert into blobs (user_id, storage_key, size, sha256) values
          ('alice', 'old', 1000, sha256('old')), ('alice', 'a', 100, sha256('a')),
          ('alice', 'c', 20, sha256('c'));
        insert into versions (user_id, path, rev, blob_id, size, sha256, etag, modified) values
          ('alice', 'a.txt', 1, (select id from blobs where storage_key = 'old'), 1000,
           sha256('old'), '1-old', now());
        insert into files (user_id, path, parent, name, kind, rev, deleted, size, sha256, etag,
                           modified, blob_id) values
          ('alice', 'a.txt', '', 'a.txt', 'file', 2, false, 100, sha256('a'), '2-a', now(),
           (select id from blobs where storage_key = 'a')),
          ('alice', 'b', '', 'b', 'folder', null, false, null, null, null, now(), null),
          ('alice', 'b/c.txt', 'b', 'c.txt', 'file', 1, false, 20, sha256('c'), '1-c', now(),
           (select id from blobs where storage_key = 'c')),
          ('alice', 'd.txt', '', 'd.txt', 'file', 2, true, null, null, null, now(), null),
          ('bob', 'gone.txt', '', 'gone.txt', 'file', 2, true, null, null, null, now(), null);
        """);

    SchemaMigrator.migrate(URI.create(pgUrl));

    assertThat(TestPostgres.query(pgUrl, "select id, used_bytes from users order by id"))
        .containsExactly(
            Map.of("id", "alice", "used_bytes", 120L),
            Map.of("id", "bob", "used_bytes", 0L),
            Map.of("id", "carol", "used_bytes", 0L));
    assertThatThrownBy(
            () -> TestPostgres.execute(pgUrl, "update users set used_bytes = -1 where id = 'bob'"))
        .rootCause()
        .hasMessageContaining("users_used_bytes_check");
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
