package io.ironsync.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.testkit.TestPostgres;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedDatabaseIT {

  @Test
  void keeps_its_data_across_restarts_in_the_data_directory_and_commits_durably(
      @TempDir Path dataDir) {
    String firstUrl;
    try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDir)) {
      firstUrl = database.url().toString();
      SchemaMigrator.migrate(database.url());
      TestPostgres.execute(firstUrl, "insert into users (id) values ('survivor')");

      assertThat(firstUrl).startsWith("postgresql://postgres@127.0.0.1:").endsWith("/ironsync");
      assertThat(TestPostgres.query(firstUrl, "show fsync")).containsExactly(Map.of("fsync", "on"));
      assertThat(TestPostgres.query(firstUrl, "show synchronous_commit"))
          .containsExactly(Map.of("synchronous_commit", "on"));
      assertThat(TestPostgres.query(firstUrl, "show listen_addresses"))
          .containsExactly(Map.of("listen_addresses", "localhost"));
    }
    assertThat(dataDir.resolve("pg/PG_VERSION")).exists();

    try (EmbeddedDatabase restarted = EmbeddedDatabase.start(dataDir)) {
      String url = restarted.url().toString();
      SchemaMigrator.migrate(restarted.url());

      assertThat(TestPostgres.count(url, "select count(*) from users where id = 'survivor'"))
          .isEqualTo(1);
    }
  }
}
