package io.ironsync.metadata.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.domain.FilePath;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConflictNamesTest {

  private static final Instant AT = Instant.parse("2025-03-04T05:06:07.891Z");

  @Test
  void the_marker_goes_between_stem_and_extension_with_a_number_from_the_second_candidate() {
    FilePath original = FilePath.of("docs/report.tar.gz");

    assertThat(ConflictNames.candidate(original, "laptop", AT, 1).value())
        .isEqualTo("docs/report.tar (conflict laptop 2025-03-04 050607 UTC).gz");
    assertThat(ConflictNames.candidate(original, "laptop", AT, 3).value())
        .isEqualTo("docs/report.tar (conflict laptop 2025-03-04 050607 UTC) 3.gz");
  }

  @Test
  void names_without_an_extension_and_hidden_files_keep_the_marker_at_the_end() {
    assertThat(ConflictNames.candidate(FilePath.of("Makefile"), "d", AT, 1).value())
        .isEqualTo("Makefile (conflict d 2025-03-04 050607 UTC)");
    assertThat(ConflictNames.candidate(FilePath.of(".bashrc"), "d", AT, 2).value())
        .isEqualTo(".bashrc (conflict d 2025-03-04 050607 UTC) 2");
  }

  @Test
  void the_device_keeps_letters_digits_dash_and_underscore_up_to_32_characters() {
    assertThat(ConflictNames.device("Jérôme's Mac-Book_2 (home)"))
        .isEqualTo("JérômesMac-Book_2home");
    assertThat(ConflictNames.device("x".repeat(40))).isEqualTo("x".repeat(32));
    assertThat(ConflictNames.device(null)).isEqualTo("unknown device");
    assertThat(ConflictNames.device("../..")).isEqualTo("unknown device");
  }

  @Test
  void a_long_name_loses_stem_characters_not_the_marker_or_the_extension() {
    String stem = "é".repeat(120);
    FilePath copy = ConflictNames.candidate(FilePath.of(stem + ".txt"), "laptop", AT, 12);

    assertThat(copy.name().getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(FilePath.MAX_SEGMENT_BYTES);
    assertThat(copy.name())
        .startsWith("ééé")
        .endsWith(" (conflict laptop 2025-03-04 050607 UTC) 12.txt");
  }
}
