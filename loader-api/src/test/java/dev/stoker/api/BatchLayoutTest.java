package dev.stoker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Sizes of pixels and boxes per layout; the classification constructor keeps its meaning. */
class BatchLayoutTest {

  @Test
  void constructor_fourArguments_isUint8WithoutBoxes() {
    BatchLayout layout = new BatchLayout(8, 4, 5, 3);

    assertThat(layout.elementType()).isEqualTo(ElementType.UINT8);
    assertThat(layout.maxBoxes()).isZero();
    assertThat(layout.hasBoxes()).isFalse();
    assertThat(layout.sampleBytes()).isEqualTo(4 * 5 * 3);
    assertThat(layout.batchBytes()).isEqualTo(8 * 4 * 5 * 3);
    assertThat(layout.boxBytes()).isZero();
    assertThat(layout.boxLabelBytes()).isZero();
    assertThat(layout).hasToString("8x4x5x3 uint8");
  }

  @Test
  void sampleBytes_float32_isFourBytesPerChannel() {
    BatchLayout layout = new BatchLayout(2, 300, 300, 3, ElementType.FLOAT32, 0);

    assertThat(layout.sampleBytes()).isEqualTo(300L * 300 * 3 * 4);
    assertThat(layout.batchBytes()).isEqualTo(2 * 300L * 300 * 3 * 4);
    assertThat(layout).hasToString("2x300x300x3 float32");
  }

  @Test
  void boxBytes_maxBoxes_areFourFloatsAndOneIntPerBox() {
    BatchLayout layout = new BatchLayout(32, 300, 300, 3).withMaxBoxes(50);

    assertThat(layout.hasBoxes()).isTrue();
    assertThat(layout.boxBytes()).isEqualTo(32L * 50 * 4 * Float.BYTES);
    assertThat(layout.boxLabelBytes()).isEqualTo(32L * 50 * Integer.BYTES);
    assertThat(layout.sampleBytes()).isEqualTo(300L * 300 * 3);
    assertThat(layout).hasToString("32x300x300x3 uint8, up to 50 boxes");
  }

  @Test
  void withElementType_changesOnlyTheType() {
    BatchLayout layout = new BatchLayout(1, 2, 3, 3).withMaxBoxes(4).withElementType(ElementType.FLOAT32);

    assertThat(layout).isEqualTo(new BatchLayout(1, 2, 3, 3, ElementType.FLOAT32, 4));
  }

  @Test
  void constructor_invalid_failsNamingTheField() {
    assertThatThrownBy(() -> new BatchLayout(1, 2, 3, 3, ElementType.UINT8, -1)).hasMessageStartingWith("maxBoxes");
    assertThatThrownBy(() -> new BatchLayout(1, 2, 3, 3, null, 0)).hasMessageStartingWith("elementType");
    assertThatThrownBy(() -> new BatchLayout(0, 2, 3, 3)).hasMessageStartingWith("batchSize");
  }

  @Test
  void constructor_pixelBytesOverflowingALong_refusesNamingTheShape() {
    assertThatThrownBy(() -> new BatchLayout(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, 3,
        ElementType.FLOAT32, 0))
        .isInstanceOf(MemoryLimitException.class)
        .hasMessageContaining("2147483647x2147483647x2147483647x3 float32")
        .hasMessageContaining("more bytes than a long can count");
    assertThatThrownBy(() -> new BatchLayout(1, 2_000_000_000, 2_000_000_000, 3))
        .as("one sample of 1.2e19 bytes")
        .isInstanceOf(MemoryLimitException.class);
  }

  @Test
  void constructor_boxBytesOverflowingALong_refuses() {
    assertThatThrownBy(() -> new BatchLayout(Integer.MAX_VALUE, 1, 1, 1, ElementType.UINT8, Integer.MAX_VALUE))
        .isInstanceOf(MemoryLimitException.class)
        .hasMessageContaining("boxes");
  }

  @Test
  void sizes_largeButCountable_areExact() {
    BatchLayout layout = new BatchLayout(256, 100_000, 100_000, 3, ElementType.FLOAT32, 100);

    assertThat(layout.sampleBytes()).isEqualTo(120_000_000_000L);
    assertThat(layout.batchBytes()).isEqualTo(30_720_000_000_000L);
    assertThat(layout.boxBytes()).isEqualTo(256L * 100 * 16);
  }
}
