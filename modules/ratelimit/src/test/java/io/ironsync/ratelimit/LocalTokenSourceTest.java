package io.ironsync.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalTokenSourceTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final LocalTokenSource source = new LocalTokenSource(now::get);
  private final BucketSpec spec = new BucketSpec(1000, 500);

  @Test
  void a_new_bucket_grants_its_burst_then_refills_at_the_rate() {
    assertThat(source.takeNow("u", spec, 800)).isEqualTo(new Grant(500, spec.nanosFor(300)));

    now.addAndGet(100_000_000L); // 100 ms = 100 tokens
    Grant later = source.takeNow("u", spec, 150);

    assertThat(later.granted()).isEqualTo(100);
    assertThat(later.waitNanos()).isEqualTo(spec.nanosFor(50));
  }

  @Test
  void a_bucket_never_holds_more_than_its_burst_and_users_do_not_share() {
    source.takeNow("u", spec, 500);
    now.addAndGet(10_000_000_000L);

    assertThat(source.takeNow("u", spec, 10_000).granted()).isEqualTo(500);
    assertThat(source.takeNow("v", spec, 500).granted()).isEqualTo(500);
  }

  @Test
  void a_shortfall_beyond_the_burst_waits_for_one_burst_only() {
    source.takeNow("u", spec, 500);

    assertThat(source.takeNow("u", spec, 5_000).waitNanos()).isEqualTo(spec.nanosFor(500));
  }
}
