package io.ironsync.metadata.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.pgclient.PgConnectOptions;
import java.net.URI;
import org.junit.jupiter.api.Test;

class PgUrlTest {

  @Test
  void user_password_host_port_database_and_sslmode_reach_both_clients() {
    PgUrl url =
        PgUrl.parse(URI.create("postgresql://bob:s3cr%40t@db.example:6543/prod?sslmode=require"));

    PgConnectOptions options = url.connectOptions();
    assertThat(options.getHost()).isEqualTo("db.example");
    assertThat(options.getPort()).isEqualTo(6543);
    assertThat(options.getDatabase()).isEqualTo("prod");
    assertThat(options.getUser()).isEqualTo("bob");
    assertThat(options.getPassword()).isEqualTo("s3cr@t");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/prod?sslmode=require");
    assertThat(url.user()).isEqualTo("bob");
    assertThat(url.password()).isEqualTo("s3cr@t");
    assertThat(url.describe()).isEqualTo("db.example:6543/prod").doesNotContain("s3cr");
  }

  @Test
  void no_password_in_the_url_means_none_rather_than_the_client_default() {
    PgUrl url = PgUrl.parse(URI.create("postgresql://postgres@127.0.0.1:5432/ironsync"));

    assertThat(url.password()).isEmpty();
    assertThat(url.connectOptions().getPassword()).isEmpty();
    assertThat(url.jdbcUrl())
        .isEqualTo("jdbc:postgresql://127.0.0.1:5432/ironsync?sslmode=disable");
  }

  @Test
  void a_search_path_applies_to_migrations_too() {
    PgUrl url = PgUrl.parse(URI.create("postgresql://u:p@h:1/d?search_path=sync"));

    assertThat(url.jdbcUrl()).endsWith("&currentSchema=sync");
  }

  @Test
  void each_caller_gets_its_own_copy_of_the_options() {
    PgUrl url = PgUrl.parse(URI.create("postgresql://u:p@h:1/d"));

    url.connectOptions().setPort(2);

    assertThat(url.connectOptions().getPort()).isEqualTo(1);
  }

  @Test
  void other_schemes_are_rejected() {
    assertThatThrownBy(() -> PgUrl.parse(URI.create("mysql://u:p@h:1/d")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pg.url");
  }
}
