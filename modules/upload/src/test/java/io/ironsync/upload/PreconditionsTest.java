package io.ironsync.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ironsync.domain.ApiException;
import io.ironsync.metadata.Precondition;
import org.junit.jupiter.api.Test;

class PreconditionsTest {

  @Test
  void a_part_name_carries_a_precondition_whatever_the_decoder_made_of_its_separator() {
    assertThat(Preconditions.fromPartName("ifMatch=3-abc"))
        .isEqualTo(new Precondition.IfMatch("3-abc"));
    assertThat(Preconditions.fromPartName("ifMatch 3-abc"))
        .isEqualTo(new Precondition.IfMatch("3-abc"));
    assertThat(Preconditions.fromPartName("ifMatch:\"3-abc\""))
        .isEqualTo(new Precondition.IfMatch("3-abc"));
    assertThat(Preconditions.fromPartName("ifNoneMatch *"))
        .isInstanceOf(Precondition.IfNoneExists.class);
    assertThat(Preconditions.fromPartName("file")).isEqualTo(Precondition.NONE);
    assertThat(Preconditions.fromPartName(null)).isEqualTo(Precondition.NONE);
  }

  @Test
  void a_part_name_that_looks_like_a_precondition_but_is_not_one_is_refused() {
    for (String name :
        new String[] {"ifMatch", "ifMatch=", "ifNoneMatch=3-abc", "IfMatch=3-abc", "iffy"}) {
      assertThatThrownBy(() -> Preconditions.fromPartName(name))
          .as(name)
          .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
    }
  }

  @Test
  void json_fields_allow_one_precondition_at_most() {
    assertThat(Preconditions.fromFields("\"7-x\"", null))
        .isEqualTo(new Precondition.IfMatch("7-x"));
    assertThat(Preconditions.fromFields(null, "*")).isInstanceOf(Precondition.IfNoneExists.class);
    assertThat(Preconditions.fromFields(null, null)).isEqualTo(Precondition.NONE);
    assertThatThrownBy(() -> Preconditions.fromFields("7-x", "*")).isInstanceOf(ApiException.class);
    assertThatThrownBy(() -> Preconditions.fromFields(7, null)).isInstanceOf(ApiException.class);
    assertThatThrownBy(() -> Preconditions.fromFields(null, "7-x"))
        .isInstanceOf(ApiException.class);
  }
}
