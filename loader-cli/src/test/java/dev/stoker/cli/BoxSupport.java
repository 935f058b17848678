package dev.stoker.cli;

import dev.stoker.image.ImageDecoders;
import dev.stoker.image.SampleProcessor;
import dev.stoker.image.TransformPlan;
import dev.stoker.pipeline.Presets;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Whether the image package moves boxes ({@code SampleProcessor}'s box-aware {@code process}) and
 * compiles the SSD preset. Until the geometry work (branch {@code geom}) is merged it does neither;
 * tests that need real boxes use this with {@code @EnabledIf} and so run as soon as it is there.
 */
final class BoxSupport {
  private BoxSupport() {}

  static boolean available() {
    try (Arena arena = Arena.ofConfined()) {
      TransformPlan.compile(Presets.ssd300Train());
      SampleProcessor processor = new SampleProcessor(ImageDecoders.imageIo(), TransformPlan.compile(Presets.decodeOnly(8)));
      ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
      ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_3BYTE_BGR), "jpeg", jpeg);
      processor.process(ByteBuffer.wrap(jpeg.toByteArray()), "probe", new SplittableRandom(1),
          arena.allocate(processor.sampleBytes()), new float[] {1, 1, 4, 4}, 1, new float[4], new int[1]);
      return true;
    } catch (UnsupportedOperationException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
