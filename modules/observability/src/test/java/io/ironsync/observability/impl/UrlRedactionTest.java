package io.ironsync.observability.impl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UrlRedactionTest {

  @Test
  void file_paths_and_upload_ids_leave_only_their_resource() {
    assertThat(UrlRedaction.path("/v1/files/photos/2024/beach.jpg")).isEqualTo("/v1/files/{path}");
    assertThat(UrlRedaction.path("/v1/meta/a.txt")).isEqualTo("/v1/meta/{path}");
    assertThat(UrlRedaction.path("/v1/list/private/")).isEqualTo("/v1/list/{path}");
    assertThat(UrlRedaction.path("/v1/versions/x")).isEqualTo("/v1/versions/{path}");
    assertThat(UrlRedaction.path("/v1/uploads/3f2a")).isEqualTo("/v1/uploads/{id}");
    assertThat(UrlRedaction.path("/v1/uploads")).isEqualTo("/v1/uploads");
    assertThat(UrlRedaction.path("/v1/changes")).isEqualTo("/v1/changes");
  }

  @Test
  void full_urls_lose_the_file_path_and_the_query() {
    assertThat(UrlRedaction.url("http://127.0.0.1:8080/v1/files/secret%20plan.pdf"))
        .isEqualTo("http://127.0.0.1:8080/v1/files/{path}");
    assertThat(UrlRedaction.url("https://sync.example.com/v1/changes?cursor=c2VjcmV0"))
        .isEqualTo("https://sync.example.com/v1/changes?redacted");
    assertThat(UrlRedaction.url("http://host")).isEqualTo("http://host");
    assertThat(UrlRedaction.url("not a url")).isEqualTo("redacted");
  }
}
