package io.ironsync.storage.impl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class S3ErrorResponseTest {

  @Test
  void code_and_message_come_from_the_error_document() {
    S3ErrorResponse error =
        S3ErrorResponse.parse(
            403,
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated\
             does not match</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>""");

    assertThat(error.isCode("SignatureDoesNotMatch")).isTrue();
    assertThat(error.describe())
        .isEqualTo("403 SignatureDoesNotMatch: The request signature we calculated does not match");
  }

  @Test
  void a_body_that_is_not_an_error_document_leaves_only_the_status() {
    S3ErrorResponse error = S3ErrorResponse.parse(502, "<html>Bad gateway</html>");

    assertThat(error.code()).isNull();
    assertThat(error.describe()).isEqualTo("502");
  }
}
