package io.ironsync.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ReadmeTableTest {

  @Test
  void the_readme_documents_every_key_exactly_as_the_catalog_defines_it() throws IOException {
    String readme = Files.readString(Path.of("../../README.md"));

    assertThat(readme)
        .as("README.md's configuration table; regenerate it from ConfigKeys.markdownTable()")
        .contains(ConfigKeys.markdownTable());
  }
}
