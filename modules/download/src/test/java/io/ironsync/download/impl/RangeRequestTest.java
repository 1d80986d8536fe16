package io.ironsync.download.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironsync.storage.ByteRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RangeRequestTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "bytes=0-0        | 0  | 0",
        "bytes=10-19      | 10 | 19",
        "bytes=90-        | 90 | 99",
        "bytes=95-500     | 95 | 99",
        "bytes=-10        | 90 | 99",
        "bytes=-1000      | 0  | 99",
        "BYTES=5-6        | 5  | 6",
      })
  void single_ranges_are_served_partially(String header, long first, long last) {
    assertThat(RangeRequest.decide(header, 100))
        .isEqualTo(new RangeRequest.Partial(new ByteRange(first, last)));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"bytes=0-1,5-6", "items=0-1", "bytes=abc", "bytes=5-2", "bytes=", "bytes=1-x"})
  void multiple_foreign_or_malformed_ranges_fall_back_to_the_whole_content(String header) {
    assertThat(RangeRequest.decide(header, 100)).isInstanceOf(RangeRequest.Whole.class);
  }

  @ParameterizedTest
  @CsvSource({"bytes=100-, 100", "bytes=150-200, 100", "bytes=-0, 100", "bytes=0-, 0"})
  void ranges_outside_the_content_are_unsatisfiable(String header, long size) {
    assertThat(RangeRequest.decide(header, size)).isInstanceOf(RangeRequest.Unsatisfiable.class);
  }
}
