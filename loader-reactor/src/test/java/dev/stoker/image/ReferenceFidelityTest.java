package dev.stoker.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.ImageDecoder;
import dev.stoker.decode.ImageDecoders;
import dev.stoker.pipeline.Presets;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Stoker's {@code imagenet-eval} against the reference users compare with: torchvision's
 * {@code Resize(S * 8 / 7) + CenterCrop(S)} on PIL, whose outputs scripts/fidelity-reference.py
 * made from the same JPEGs (4:2:0 and 4:4:4, odd sizes) and committed beside them. The decode is
 * the native one at full scale (the images are less than twice the resized size, so no DCT scale
 * applies): libjpeg-turbo's defaults, as PIL's.
 */
class ReferenceFidelityTest {
  private static final String DIR = "/fidelity/";
  /** Mean absolute difference per channel value, over every reference, in levels. */
  private static final double MAX_MEAN = 1.0;
  /**
   * The largest difference of any one channel value: Stoker rounds the vertical pass to 8 bits
   * before the horizontal one, PIL the horizontal before the vertical, so a value may differ by a
   * level. (With the fractional center crop and rounded resize of before, tails reached 60 to 80.)
   */
  private static final int MAX_LEVELS = 2;
  /**
   * The same at a downscale of about 2 (the images at least twice the resized size): PIL filters the
   * whole image, so the crop's outermost output pixels weigh source pixels up to two beyond the
   * crop; Stoker decodes and filters the crop's rectangle only, and there renormalizes the filter
   * (a few levels on those edge pixels; 4 and 5 measured).
   */
  private static final int MAX_LEVELS_AT_CROP_EDGE = 8;

  private record Reference(String jpeg, int size, String png, boolean scaled) {}

  private record Difference(String name, double mean, int max) {}

  private static byte[] resource(String name) {
    try (InputStream in = ReferenceFidelityTest.class.getResourceAsStream(DIR + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + DIR + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Reference> references() {
    List<Reference> out = new ArrayList<>();
    for (String line : new String(resource("manifest.txt"), StandardCharsets.US_ASCII).split("\n")) {
      String[] f = line.trim().split(" ");
      out.add(new Reference(f[0], Integer.parseInt(f[1]), f[2], f[3].equals("scaled")));
    }
    return out;
  }

  private static byte[] referencePixels(String png) throws IOException {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(resource(png)));
    byte[] rgb = new byte[image.getWidth() * image.getHeight() * 3];
    for (int y = 0, i = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++, i += 3) {
        int p = image.getRGB(x, y);
        rgb[i] = (byte) (p >> 16);
        rgb[i + 1] = (byte) (p >> 8);
        rgb[i + 2] = (byte) p;
      }
    }
    return rgb;
  }

  private static List<Difference> differences(ImageDecoder decoder, boolean scaled) throws IOException {
    List<Difference> out = new ArrayList<>();
    for (Reference r : references()) {
      if (r.scaled() != scaled) {
        continue;
      }
      SampleProcessor processor = new SampleProcessor(decoder, TransformPlan.compile(Presets.imagenetEval(r.size())));
      MemorySegment sample = Arena.ofAuto().allocate(processor.sampleBytes());
      processor.process(ByteBuffer.wrap(resource(r.jpeg())), r.jpeg(), new SplittableRandom(0), sample);
      byte[] ours = sample.toArray(ValueLayout.JAVA_BYTE);
      byte[] theirs = referencePixels(r.png());
      assertThat(ours).as("%s output size", r.jpeg()).hasSameSizeAs(theirs);
      long sum = 0;
      int max = 0;
      for (int i = 0; i < ours.length; i++) {
        int d = Math.abs((ours[i] & 0xFF) - (theirs[i] & 0xFF));
        sum += d;
        max = Math.max(max, d);
      }
      out.add(new Difference(r.jpeg(), (double) sum / ours.length, max));
    }
    return out;
  }

  private static void assertWithinBounds(List<Difference> found, int maxLevels) {
    for (Difference d : found) {
      assertThat(d.mean()).as("mean levels of %s (all: %s)", d.name(), found).isLessThan(MAX_MEAN);
      assertThat(d.max()).as("max levels of %s (all: %s)", d.name(), found).isLessThanOrEqualTo(maxLevels);
    }
  }

  private static double meanOf(List<Difference> found) {
    return found.stream().mapToDouble(Difference::mean).average().orElseThrow();
  }

  @Test
  void imagenetEval_nativeDecoder_matchesTorchvisionWithinALevelOnAverage() throws IOException {
    List<Difference> found = differences(NativeTestSupport.nativeOrSkip(), false);

    assertThat(found).hasSize(8);
    assertWithinBounds(found, MAX_LEVELS);
  }

  @Test
  void imagenetEval_fullScaleOnImagesTwiceTheSize_matchesTorchvisionWithinALevelOnAverage() throws IOException {
    List<Difference> found = differences(ImageDecoders.fullScale(NativeTestSupport.nativeOrSkip()), true);

    assertThat(found).hasSize(2);
    assertWithinBounds(found, MAX_LEVELS_AT_CROP_EDGE);
  }

  @Test
  void imagenetEval_defaultOnImagesTwiceTheSize_isDctScaledAndFurtherFromTorchvision() throws IOException {
    ImageDecoder decoder = NativeTestSupport.nativeOrSkip();
    List<Difference> scaled = differences(decoder, true);
    List<Difference> exact = differences(ImageDecoders.fullScale(decoder), true);

    assertThat(meanOf(scaled)).as("default %s, fullScale %s", scaled, exact).isGreaterThan(2 * meanOf(exact));
  }
}
