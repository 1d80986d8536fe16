package io.ironsync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ironsync.domain.ApiException;
import org.junit.jupiter.api.Test;

class CursorTest {

  @Test
  void journal_and_listing_cursors_round_trip() {
    assertThat(Cursor.decode(Cursor.journal(42).encode("alice"), "alice"))
        .isEqualTo(Cursor.journal(42));
    Cursor listing = Cursor.listing(7, "Fotos/Été/ß.jpg");
    assertThat(Cursor.decode(listing.encode("alice"), "alice")).isEqualTo(listing);
  }

  @Test
  void another_users_cursor_is_refused() {
    String alices = Cursor.journal(42).encode("alice");

    ApiException refused =
        catchThrowableOfType(ApiException.class, () -> Cursor.decode(alices, "bob"));

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.key()).isEqualTo("invalid-cursor");
  }

  @Test
  void garbage_is_refused() {
    for (String text :
        new String[] {"x", "not base64 !", "AAAAAAAAAAAAAAAAAAAA", "a".repeat(10_000)}) {
      assertThat(
              catchThrowableOfType(ApiException.class, () -> Cursor.decode(text, "alice")).status())
          .as(text)
          .isEqualTo(400);
    }
  }
}
