package io.ironsync.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class TestPostgresReplicaIT {

  @Test
  void the_standby_serves_what_the_primary_wrote_holds_still_while_paused_and_refuses_writes() {
    TestPostgresReplica pg = TestPostgresReplica.shared();
    String db = pg.newDatabase();
    String primary = pg.primaryUrl(db);
    String replica = pg.replicaUrl(db);

    TestPostgres.execute(primary, "create table t (n int)");
    TestPostgres.execute(primary, "insert into t values (1)");
    pg.awaitReplicaCaughtUp();
    assertThat(TestPostgres.count(replica, "select count(*) from t")).isEqualTo(1);

    pg.pauseReplay();
    TestPostgres.execute(primary, "insert into t values (2)");
    assertThat(TestPostgres.count(primary, "select count(*) from t")).isEqualTo(2);
    assertThat(TestPostgres.count(replica, "select count(*) from t")).isEqualTo(1);
    pg.resumeReplay();
    assertThat(TestPostgres.count(replica, "select count(*) from t")).isEqualTo(2);

    assertThat(TestPostgres.count(replica, "select count(*) where pg_is_in_recovery()"))
        .isEqualTo(1);
    assertThatThrownBy(() -> TestPostgres.execute(replica, "insert into t values (3)"))
        .hasStackTraceContaining("read-only transaction");
  }
}
