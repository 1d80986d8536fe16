package io.ironsync.storage.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BlobKeysTest {

  @ParameterizedTest
  @ValueSource(
      strings = {"a", "blobs/ab/cd/0123-abcd", "A_b-c.d/e.f", "x/y/z/1.2.3", "tus/abc/part-0001"})
  void keys_made_of_safe_segments_are_accepted(String key) {
    assertThat(BlobKeys.validate(key)).isEqualTo(key);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "/abs",
        "trailing/",
        "a//b",
        "..",
        "../x",
        "a/../b",
        "a/./b",
        ".tmp/x",
        ".hidden",
        "sp ace",
        "back\\slash",
        "ümlaut",
        "new\nline",
        "percent%2F"
      })
  void keys_that_could_escape_or_collide_are_refused(String key) {
    assertThatThrownBy(() -> BlobKeys.validate(key)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void overlong_keys_are_refused() {
    assertThatThrownBy(() -> BlobKeys.validate("k".repeat(BlobKeys.MAX_LENGTH + 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("longer");
  }
}
