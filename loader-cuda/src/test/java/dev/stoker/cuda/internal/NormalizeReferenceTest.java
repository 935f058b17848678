package dev.stoker.cuda.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.stoker.cuda.DeviceTransform;
import dev.stoker.cuda.PixelType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The CPU twin of normalize.cu: hand-computed values, CHW layout, flips, boxes, argument errors. */
class NormalizeReferenceTest {
  /** A 2x2 RGB image, HWC: (0,0)=1,2,3 (0,1)=4,5,6 (1,0)=7,8,9 (1,1)=10,11,12. */
  private static final byte[] IMAGE = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  private static final float[] SCALE = {1f, 0.5f, 2f};
  private static final float[] BIAS = {0f, -1f, 10f};
  /** IMAGE normalized, CHW: channel 0 = v, channel 1 = v / 2 - 1, channel 2 = 2v + 10. */
  private static final float[] EXPECTED = {1, 4, 7, 10, 0, 1.5f, 3, 4.5f, 16, 22, 28, 34};
  /** IMAGE flipped left-right, then normalized. */
  private static final float[] EXPECTED_FLIPPED = {4, 1, 10, 7, 1.5f, 0, 4.5f, 3, 22, 16, 34, 28};

  private final Arena arena = Arena.ofConfined();

  @AfterEach
  void closeArena() {
    arena.close();
  }

  private MemorySegment bytes(byte[] values) {
    MemorySegment segment = arena.allocate(values.length);
    MemorySegment.copy(values, 0, segment, ValueLayout.JAVA_BYTE, 0, values.length);
    return segment;
  }

  private static byte[] repeat(byte[] image, int times) {
    byte[] all = new byte[image.length * times];
    for (int i = 0; i < times; i++) {
      System.arraycopy(image, 0, all, i * image.length, image.length);
    }
    return all;
  }

  private static float[] floats(MemorySegment segment) {
    return segment.toArray(ValueLayout.JAVA_FLOAT_UNALIGNED);
  }

  private static float[] halves(MemorySegment segment) {
    short[] bits = segment.toArray(ValueLayout.JAVA_SHORT_UNALIGNED);
    float[] values = new float[bits.length];
    for (int i = 0; i < bits.length; i++) {
      values[i] = Float.float16ToFloat(bits[i]);
    }
    return values;
  }

  @Test
  void normalize_float32WithoutFlip_givesHandComputedChwValues() {
    MemorySegment out = arena.allocate(12 * Float.BYTES);

    NormalizeReference.normalize(bytes(IMAGE), out, PixelType.FLOAT32, null, SCALE, BIAS, 1, 2, 2, 3);

    assertThat(floats(out)).containsExactly(EXPECTED);
  }

  @Test
  void normalize_float32WithFlip_mirrorsEachRow() {
    MemorySegment out = arena.allocate(12 * Float.BYTES);

    NormalizeReference.normalize(bytes(IMAGE), out, PixelType.FLOAT32, new int[] {1}, SCALE, BIAS, 1, 2, 2, 3);

    assertThat(floats(out)).containsExactly(EXPECTED_FLIPPED);
  }

  @Test
  void normalize_float16WithAndWithoutFlip_givesHandComputedValues() {
    MemorySegment plain = arena.allocate(12 * 2);
    MemorySegment flipped = arena.allocate(12 * 2);

    NormalizeReference.normalize(bytes(IMAGE), plain, PixelType.FLOAT16, new int[] {0}, SCALE, BIAS, 1, 2, 2, 3);
    NormalizeReference.normalize(bytes(IMAGE), flipped, PixelType.FLOAT16, new int[] {1}, SCALE, BIAS, 1, 2, 2, 3);

    assertThat(halves(plain)).containsExactly(EXPECTED);
    assertThat(halves(flipped)).containsExactly(EXPECTED_FLIPPED);
  }

  @Test
  void normalize_float16Ties_roundToNearestEven() {
    // 2048 + v: float16 has a spacing of 2 there, so 2049 (a tie) goes down to 2048 and 2051 up to 2052.
    MemorySegment out = arena.allocate(4 * 2);

    NormalizeReference.normalize(bytes(new byte[] {1, 3, 4, 5}), out, PixelType.FLOAT16, null, new float[] {1f},
        new float[] {2048f}, 1, 1, 4, 1);

    assertThat(halves(out)).containsExactly(2048f, 2052f, 2052f, 2052f);
  }

  @Test
  void normalize_productAndSum_roundOnlyOnce() {
    // 255 * (1 + 2^-23) - 255 = 255 * 2^-23 exactly with a fused multiply-add; rounding the product
    // to float first would give 2 * 2^-16 instead.
    MemorySegment out = arena.allocate(Float.BYTES);
    float scale = Math.nextUp(1f);

    NormalizeReference.normalize(bytes(new byte[] {(byte) 255}), out, PixelType.FLOAT32, null, new float[] {scale},
        new float[] {-255f}, 1, 1, 1, 1);

    assertThat(floats(out)).containsExactly(Math.scalb(255f, -23));
  }

  @Test
  void normalize_twoSamplesOneFlagged_flipsOnlyTheFlaggedSample() {
    MemorySegment out = arena.allocate(24 * Float.BYTES);

    NormalizeReference.normalize(bytes(repeat(IMAGE, 2)), out, PixelType.FLOAT32, new int[] {0, 7}, SCALE, BIAS, 2,
        2, 2, 3);

    float[] values = floats(out);
    assertThat(Arrays.copyOfRange(values, 0, 12)).containsExactly(EXPECTED);
    assertThat(Arrays.copyOfRange(values, 12, 24)).containsExactly(EXPECTED_FLIPPED);
  }

  @Test
  void normalize_nonSquareImage_writesChannelPlanesRowByRow() {
    // h = 2, w = 3, c = 2; value = 10 * y + x for channel 0 and 100 + 10 * y + x for channel 1.
    byte[] hwc = new byte[12];
    for (int y = 0; y < 2; y++) {
      for (int x = 0; x < 3; x++) {
        hwc[(y * 3 + x) * 2] = (byte) (10 * y + x);
        hwc[(y * 3 + x) * 2 + 1] = (byte) (100 + 10 * y + x);
      }
    }
    MemorySegment out = arena.allocate(12 * Float.BYTES);

    NormalizeReference.normalize(bytes(hwc), out, PixelType.FLOAT32, null, new float[] {1f, 1f}, new float[2], 1, 2,
        3, 2);

    assertThat(floats(out)).containsExactly(0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112);
  }

  @Test
  void normalize_imagenetTransform_matchesTheTextbookFormula() {
    DeviceTransform imagenet = DeviceTransform.imagenet(PixelType.FLOAT32);
    byte[] all = new byte[256 * 3];
    for (int v = 0; v < 256; v++) {
      all[3 * v] = (byte) v;
      all[3 * v + 1] = (byte) v;
      all[3 * v + 2] = (byte) v;
    }
    MemorySegment out = arena.allocate(all.length * (long) Float.BYTES);

    NormalizeReference.normalize(bytes(all), out, PixelType.FLOAT32, null, imagenet.scale(), imagenet.bias(), 1, 1,
        256, 3);

    float[] values = floats(out);
    for (int ch = 0; ch < 3; ch++) {
      for (int v = 0; v < 256; v++) {
        double expected = (v / 255.0 - imagenet.mean()[ch]) / imagenet.std()[ch];
        assertThat((double) values[ch * 256 + v]).as("channel %d value %d", ch, v)
            .isCloseTo(expected, offset(1e-6));
      }
    }
  }

  @Test
  void flipBoxes_flaggedSample_mirrorsRealBoxesAndLeavesPaddingAlone() {
    // 2 samples x 2 box slots; slot 1 of each sample is padding.
    MemorySegment boxes = arena.allocate(16L * Float.BYTES);
    MemorySegment.copy(new float[] {1, 2, 3, 4, 9, 9, 9, 9, 5, 6, 7, 8, 9, 9, 9, 9}, 0, boxes,
        ValueLayout.JAVA_FLOAT_UNALIGNED, 0, 16);
    MemorySegment labels = arena.allocate(4L * Integer.BYTES);
    MemorySegment.copy(new int[] {0, -1, 3, -1}, 0, labels, ValueLayout.JAVA_INT_UNALIGNED, 0, 4);

    NormalizeReference.flipBoxes(boxes, labels, new int[] {1, 0}, 2, 2, 10f);

    assertThat(floats(boxes)).containsExactly(7, 2, 9, 4, 9, 9, 9, 9, 5, 6, 7, 8, 9, 9, 9, 9);
  }

  @Test
  void normalize_scaleOfWrongLength_namesScale() {
    assertThatThrownBy(() -> NormalizeReference.normalize(bytes(IMAGE), arena.allocate(48), PixelType.FLOAT32, null,
        new float[2], BIAS, 1, 2, 2, 3)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("scale");
  }

  @Test
  void normalize_biasOfWrongLength_namesBias() {
    assertThatThrownBy(() -> NormalizeReference.normalize(bytes(IMAGE), arena.allocate(48), PixelType.FLOAT32, null,
        SCALE, new float[4], 1, 2, 2, 3)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("bias");
  }

  @Test
  void normalize_inputTooSmall_namesIn() {
    assertThatThrownBy(() -> NormalizeReference.normalize(bytes(new byte[11]), arena.allocate(48), PixelType.FLOAT32,
        null, SCALE, BIAS, 1, 2, 2, 3)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("in:");
  }

  @Test
  void normalize_outputTooSmallForFloat32_namesOut() {
    // 24 bytes hold the image as float16 but not as float32.
    MemorySegment out = arena.allocate(24);
    NormalizeReference.normalize(bytes(IMAGE), out, PixelType.FLOAT16, null, SCALE, BIAS, 1, 2, 2, 3);

    assertThatThrownBy(() -> NormalizeReference.normalize(bytes(IMAGE), out, PixelType.FLOAT32, null, SCALE, BIAS, 1,
        2, 2, 3)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("out:");
  }

  @Test
  void normalize_readOnlyOutput_namesOut() {
    MemorySegment out = arena.allocate(48).asReadOnly();

    assertThatThrownBy(() -> NormalizeReference.normalize(bytes(IMAGE), out, PixelType.FLOAT32, null, SCALE, BIAS, 1,
        2, 2, 3)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("out:");
  }

  @Test
  void normalize_tooFewFlipFlags_namesFlipOrNull() {
    assertThatThrownBy(() -> NormalizeReference.normalize(bytes(repeat(IMAGE, 2)), arena.allocate(96),
        PixelType.FLOAT32, new int[] {1}, SCALE, BIAS, 2, 2, 2, 3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("flipOrNull");
  }

  @Test
  void normalize_zeroWidth_namesW() {
    assertThatThrownBy(() -> NormalizeReference.normalize(bytes(IMAGE), arena.allocate(48), PixelType.FLOAT32, null,
        SCALE, BIAS, 1, 2, 0, 3)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("w ");
  }

  @Test
  void normalize_nullType_namesType() {
    assertThatThrownBy(() -> NormalizeReference.normalize(bytes(IMAGE), arena.allocate(48), null, null, SCALE, BIAS,
        1, 2, 2, 3)).isInstanceOf(NullPointerException.class).hasMessageStartingWith("type");
  }

  @Test
  void flipBoxes_labelsTooSmall_namesBoxLabels() {
    assertThatThrownBy(() -> NormalizeReference.flipBoxes(arena.allocate(64), arena.allocate(12), new int[] {1}, 1,
        4, 10f)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("boxLabels");
  }

  @Test
  void flipBoxes_boxesTooSmall_namesBoxes() {
    assertThatThrownBy(() -> NormalizeReference.flipBoxes(arena.allocate(63), arena.allocate(16), new int[] {1}, 1,
        4, 10f)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("boxes:");
  }

  @Test
  void flipBoxes_tooFewFlags_namesFlip() {
    assertThatThrownBy(() -> NormalizeReference.flipBoxes(arena.allocate(128), arena.allocate(32), new int[] {1}, 2,
        4, 10f)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("flip:");
  }
}
