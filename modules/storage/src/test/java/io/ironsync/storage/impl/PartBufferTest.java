package io.ironsync.storage.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PartBufferTest {

  private static final int CAPACITY = 200_000;

  @Test
  void fills_up_to_its_capacity_and_keeps_the_bytes_in_order() {
    PartBuffer part = new PartBuffer(CAPACITY, null);
    byte[] data = new byte[150_000];
    Arrays.fill(data, (byte) 7);
    data[0] = 1;
    data[149_999] = 2;

    assertThat(part.fill(Buffer.buffer(data), 0)).isEqualTo(150_000);
    assertThat(part.fill(Buffer.buffer(data), 0)).isEqualTo(50_000);

    assertThat(part.isFull()).isTrue();
    assertThat(part.length()).isEqualTo(CAPACITY);
    assertThat(part.bytes()).hasSize(CAPACITY);
    assertThat(part.bytes()[0]).isEqualTo((byte) 1);
    assertThat(part.bytes()[149_999]).isEqualTo((byte) 2);
    assertThat(part.bytes()[150_000]).isEqualTo((byte) 1);
  }

  @Test
  void starts_small_so_that_a_tiny_upload_does_not_cost_a_whole_part() {
    PartBuffer part = new PartBuffer(8 * 1024 * 1024, null);

    part.fill(Buffer.buffer("hello"), 0);

    assertThat(part.bytes().length).isLessThanOrEqualTo(64 * 1024);
    assertThat(part.isFull()).isFalse();
  }

  @Test
  void reuses_the_array_of_a_finished_part() {
    byte[] recycled = new byte[CAPACITY];

    PartBuffer part = new PartBuffer(CAPACITY, recycled);
    part.fill(Buffer.buffer(new byte[10]), 0);

    assertThat(part.bytes()).isSameAs(recycled);
  }

  @Test
  void fills_from_an_offset() {
    PartBuffer part = new PartBuffer(CAPACITY, null);

    int taken = part.fill(Buffer.buffer(new byte[] {1, 2, 3, 4}), 1);

    assertThat(taken).isEqualTo(3);
    assertThat(Arrays.copyOf(part.bytes(), part.length())).containsExactly(2, 3, 4);
  }
}
