package io.ironsync.metadata.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ironsync.domain.ApiException;
import io.ironsync.metadata.ListOrder;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class PageTokenTest {

  @Test
  void a_token_round_trips_with_microsecond_precision_and_any_name() {
    OffsetDateTime modified = OffsetDateTime.parse("2026-11-21T10:15:30.123456Z");
    PageToken token = PageToken.after(ListOrder.MODIFIED, "r\u00e9sum\u00e9 #1.pdf", modified);

    PageToken decoded = PageToken.decode(token.encode(), ListOrder.MODIFIED);

    assertThat(decoded).isEqualTo(token);
    assertThat(decoded.modified()).isEqualTo(modified);
    assertThat(token.encode()).matches("[A-Za-z0-9_-]+");
  }

  @Test
  void a_token_only_continues_the_order_it_came_from() {
    String byName =
        PageToken.after(ListOrder.NAME, "a", OffsetDateTime.parse("2026-01-01T00:00:00Z")).encode();

    assertThat(PageToken.decode(byName, ListOrder.NAME).name()).isEqualTo("a");
    assertThatThrownBy(() -> PageToken.decode(byName, ListOrder.MODIFIED))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.key()).isEqualTo("invalid-page-token"));
  }

  @Test
  void garbage_is_a_400() {
    for (String garbage : new String[] {"%%%", "", "bS94L2E", "bi9hL2I"}) {
      assertThatThrownBy(() -> PageToken.decode(garbage, ListOrder.MODIFIED))
          .as(garbage)
          .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
    }
  }
}
