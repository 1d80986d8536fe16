package io.ironsync.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FilePathTest {

  @Test
  void percent_escapes_and_raw_utf8_bytes_decode_to_the_same_nfc_path() {
    String rawUtf8 =
        new String(
            "caf\u00e9/n\u00f6tes.txt".getBytes(StandardCharsets.UTF_8),
            StandardCharsets.ISO_8859_1);
    FilePath escaped = FilePath.fromUrl("caf%C3%A9/n%C3%B6tes.txt");
    FilePath raw = FilePath.fromUrl(rawUtf8);
    // "e" followed by a combining acute accent is NFD; it must normalise to the same path
    FilePath decomposed = FilePath.fromUrl("cafe%CC%81/no%CC%88tes.txt");

    assertThat(escaped.value()).isEqualTo("caf\u00e9/n\u00f6tes.txt");
    assertThat(raw).isEqualTo(escaped);
    assertThat(decomposed).isEqualTo(escaped);
  }

  @Test
  void parent_name_and_ancestors_follow_the_segments() {
    FilePath path = FilePath.of("/a/b/c.txt");

    assertThat(path.value()).isEqualTo("a/b/c.txt");
    assertThat(path.name()).isEqualTo("c.txt");
    assertThat(path.parent().value()).isEqualTo("a/b");
    assertThat(path.ancestors()).extracting(FilePath::value).containsExactly("a", "a/b");
    assertThat(FilePath.of("top.txt").parent().isRoot()).isTrue();
  }

  @Test
  void folders_accept_the_root_and_a_trailing_slash() {
    assertThat(FilePath.folderFromUrl("").isRoot()).isTrue();
    assertThat(FilePath.folderFromUrl("docs/").value()).isEqualTo("docs");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''                  | the path is empty",
        "a//b                | path segment 2 is empty",
        "a/                  | path segment 2 is empty",
        "a/./b               | path segment 2 is '.'",
        "a/../b              | path segment 2 is '..'",
        "a/%2E%2E/b          | path segment 2 is '..'",
        "a%00b               | control character U+0000",
        "tab%09name          | control character U+0009",
        "del%7F              | control character U+007F",
        "c1%C2%85            | control character U+0085",
        "bad%C3              | not valid UTF-8",
        "bad%ZZ              | invalid percent escape",
        "bad%4               | incomplete percent escape",
      })
  void invalid_paths_are_rejected_with_a_clear_detail(String raw, String detail) {
    assertThatThrownBy(() -> FilePath.fromUrl(raw))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.key()).isEqualTo("invalid-path");
            })
        .hasMessageContaining(detail);
  }

  @Test
  void segment_and_total_byte_limits_count_utf8_bytes() {
    String segment255 = "\u00e9".repeat(127) + "x"; // 255 bytes
    assertThat(FilePath.of(segment255).value()).isEqualTo(segment255);
    assertThatThrownBy(() -> FilePath.of(segment255 + "y"))
        .hasMessageContaining("256 bytes long in UTF-8; the limit is 255");

    String almost = ("x".repeat(254) + "/").repeat(16); // 4080 bytes
    assertThat(FilePath.of(almost + "y".repeat(16)).value()).hasSize(4096);
    assertThatThrownBy(() -> FilePath.of(almost + "y".repeat(17)))
        .hasMessageContaining("4097 bytes long in UTF-8; the limit is 4096");
  }
}
