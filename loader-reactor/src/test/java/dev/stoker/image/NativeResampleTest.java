package dev.stoker.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stoker.api.ImageBuffer;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The C resampling passes must give exactly the Java passes' bytes. */
class NativeResampleTest {

  @Test
  void resample_randomImagesAndGeometries_nativeEqualsJava() {
    Resampler nativePasses = new Resampler(true);
    assumeTrue(nativePasses.isNative(), "native library not loaded");
    Resampler javaPasses = new Resampler(false);
    SplittableRandom random = new SplittableRandom(5);
    ImageBuffer source = ImageBuffer.allocate(0);
    for (int round = 0; round < 200; round++) {
      int w = 1 + random.nextInt(300);
      int h = 1 + random.nextInt(300);
      MemorySegment pixels = source.reshape(w, h, 3);
      for (long i = 0; i < pixels.byteSize(); i++) {
        pixels.set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt(256));
      }
      double x = random.nextDouble() * w * 0.5;
      double y = random.nextDouble() * h * 0.5;
      double cw = Math.max(0.5, random.nextDouble() * (w - x));
      double ch = Math.max(0.5, random.nextDouble() * (h - y));
      int outW = 1 + random.nextInt(260);
      int outH = 1 + random.nextInt(260);
      boolean flipH = random.nextBoolean();
      boolean flipV = random.nextBoolean();
      long outBytes = (long) outW * outH * 3;
      MemorySegment a = Arena.ofAuto().allocate(outBytes + 8);
      a.fill((byte) 0x5A);
      MemorySegment b = Arena.ofAuto().allocate((long) outW * outH * 3);
      nativePasses.resample(source, x, y, cw, ch, outW, outH, flipH, flipV, a);
      javaPasses.resample(source, x, y, cw, ch, outW, outH, flipH, flipV, b);
      assertThat(a.asSlice(0, outBytes).mismatch(b)).as("round %d: %dx%d -> %dx%d", round, w, h, outW, outH)
          .isEqualTo(-1L);
      for (long i = outBytes; i < outBytes + 8; i++) {
        assertThat(a.get(ValueLayout.JAVA_BYTE, i)).as("round %d: byte %d past the output", round, i).isEqualTo((byte) 0x5A);
      }
    }
  }

  @Test
  void resample_downscaleOverSixtyFourTimes_nativeEqualsJava() {
    // Filters of more than 128 taps leave the AVX2 kernel for the portable row loop.
    Resampler nativePasses = new Resampler(true);
    assumeTrue(nativePasses.isNative(), "native library not loaded");
    Resampler javaPasses = new Resampler(false);
    SplittableRandom random = new SplittableRandom(9);
    ImageBuffer source = ImageBuffer.allocate(0);
    MemorySegment pixels = source.reshape(3000, 700, 3);
    for (long i = 0; i < pixels.byteSize(); i++) {
      pixels.set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt(256));
    }
    int outW = 9;
    int outH = 5;
    MemorySegment a = Arena.ofAuto().allocate((long) outW * outH * 3);
    MemorySegment b = Arena.ofAuto().allocate((long) outW * outH * 3);
    nativePasses.resample(source, 0, 0, 3000, 700, outW, outH, false, false, a);
    javaPasses.resample(source, 0, 0, 3000, 700, outW, outH, false, false, b);
    assertThat(a.mismatch(b)).isEqualTo(-1L);
  }
}
