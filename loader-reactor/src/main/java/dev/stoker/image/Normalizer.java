package dev.stoker.image;

import dev.stoker.api.TransformSpec.Normalize;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Converts packed uint8 RGB into float32 RGB (native byte order, HWC) by a {@link Normalize}:
 * {@code (v / 255 - mean[c]) / std[c]}, computed in double for each of the 256 levels and channel
 * once, rounded to float, then looked up.
 *
 * <p>Not thread-safe; one per worker thread, its arrays are reused.
 */
final class Normalizer {
  /** Pixels converted per bulk copy. */
  private static final int CHUNK = 4096;
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

  private final float[] table = new float[3 * 256];
  private final byte[] bytes = new byte[CHUNK * 3];
  private final float[] floats = new float[CHUNK * 3];

  Normalizer(Normalize spec) {
    for (int c = 0; c < 3; c++) {
      double mean = spec.mean().get(c);
      double std = spec.std().get(c);
      for (int v = 0; v < 256; v++) {
        table[c * 256 + v] = (float) ((v / 255.0 - mean) / std);
      }
    }
  }

  /** Converts the first {@code pixelCount} pixels of {@code rgb} into {@code out}, 12 bytes each. */
  void convert(MemorySegment rgb, int pixelCount, MemorySegment out) {
    for (int first = 0; first < pixelCount; first += CHUNK) {
      int n = Math.min(CHUNK, pixelCount - first) * 3;
      MemorySegment.copy(rgb, ValueLayout.JAVA_BYTE, first * 3L, bytes, 0, n);
      for (int i = 0; i < n; i += 3) {
        floats[i] = table[bytes[i] & 0xFF];
        floats[i + 1] = table[256 + (bytes[i + 1] & 0xFF)];
        floats[i + 2] = table[512 + (bytes[i + 2] & 0xFF)];
      }
      MemorySegment.copy(floats, 0, out, FLOAT, first * 3L * Float.BYTES, n);
    }
  }
}
