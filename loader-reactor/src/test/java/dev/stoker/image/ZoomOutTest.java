package dev.stoker.image;

import static dev.stoker.image.GeneratedImages.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.stoker.api.TransformSpec;
import dev.stoker.api.TransformSpec.HorizontalFlip;
import dev.stoker.api.TransformSpec.RandomResizedCrop;
import dev.stoker.api.TransformSpec.Resize;
import dev.stoker.api.TransformSpec.ZoomOut;
import dev.stoker.decode.ImageDecoders;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** ZoomOut (SSD's expand): the image at a drawn position on a larger canvas of fill, boxes moved with it. */
class ZoomOutTest {
  private static final int W = 50;
  private static final int H = 30;
  private static final byte[] RGB = GeneratedImages.rgb(GeneratedImages.scene(W, H));
  private static final ByteBuffer PNG = GeneratedImages.png(GeneratedImages.scene(W, H));

  private final ImageIoDecoder decoder = new ImageIoDecoder(ImageDecoders.DEFAULT_MAX_PIXELS);

  private record Result(byte[] pixels, float[] boxes) {}

  private Result process(List<TransformSpec> specs, long seed, float... boxes) {
    SampleProcessor processor = new SampleProcessor(decoder, TransformPlan.compile(specs));
    MemorySegment out = Arena.ofAuto().allocate(processor.sampleBytes());
    int count = boxes.length / 4;
    float[] boxesOut = new float[boxes.length];
    int kept = processor.process(PNG, "scene.png", new SplittableRandom(seed), out, boxes, count, boxesOut,
        new int[count]);
    return new Result(bytes(out), Arrays.copyOf(boxesOut, 4 * kept));
  }

  @Test
  void process_ratioTwo_imageAtTheDrawnOffsetOnFillAndBoxMovedExactly() {
    List<TransformSpec> specs = List.of(new ZoomOut(2.0, 2.0, 1.0, 17), new Resize(2 * W, 2 * H));
    for (long seed = 0; seed < 6; seed++) {
      SplittableRandom replay = new SplittableRandom(seed);
      replay.nextDouble(); // the coin; one ratio, so none drawn
      int left = (int) (W * replay.nextDouble());
      int top = (int) (H * replay.nextDouble());

      Result r = process(specs, seed, 10, 5, 20, 15);

      for (int y = 0; y < 2 * H; y++) {
        for (int x = 0; x < 2 * W; x++) {
          boolean image = x >= left && x < left + W && y >= top && y < top + H;
          for (int c = 0; c < 3; c++) {
            int expected = image ? RGB[((y - top) * W + (x - left)) * 3 + c] & 0xFF : 17;
            assertThat(r.pixels()[(y * 2 * W + x) * 3 + c] & 0xFF).as("seed %d (%d,%d) offset %d,%d", seed, x, y,
                left, top).isEqualTo(expected);
          }
        }
      }
      assertThat(r.boxes()).containsExactly(10f + left, 5f + top, 20f + left, 15f + top);
    }
  }

  @Test
  void process_ratioRange_canvasFromTheDrawnRatioScalesTheBoxOnResize() {
    List<TransformSpec> specs = List.of(new ZoomOut(1.0, 4.0, 1.0, 0), new Resize(100, 100));
    for (long seed = 0; seed < 20; seed++) {
      SplittableRandom replay = new SplittableRandom(seed);
      replay.nextDouble();
      double ratio = 1 + 3 * replay.nextDouble();
      int cw = (int) Math.floor(W * ratio);
      int ch = (int) Math.floor(H * ratio);
      int left = (int) ((cw - W) * replay.nextDouble());
      int top = (int) ((ch - H) * replay.nextDouble());

      float[] box = process(specs, seed, 0, 0, W, H).boxes();

      double sx = 100.0 / cw;
      double sy = 100.0 / ch;
      float[] expected = {(float) (left * sx), (float) (top * sy), (float) ((left + W) * sx), (float) ((top + H) * sy)};
      for (int i = 0; i < 4; i++) {
        assertThat(box[i]).as("seed %d coordinate %d", seed, i).isCloseTo(expected[i], within(1e-3f));
      }
    }
  }

  @Test
  void process_fullSsdRecipe_boxesInsideTheOutputAndSameSeedSameBytes() {
    List<TransformSpec> ssd = List.of(new TransformSpec.PhotometricDistort(), new ZoomOut(1.0, 4.0, 0.5, 116),
        new TransformSpec.RandomIoUCrop(), new HorizontalFlip(0.5), new Resize(64, 64));
    int zoomedBoxes = 0;
    for (long seed = 0; seed < 30; seed++) {
      Result a = process(ssd, seed, 5, 5, 25, 20, 30, 10, 48, 28);
      Result b = process(ssd, seed, 5, 5, 25, 20, 30, 10, 48, 28);

      assertThat(b.pixels()).as("seed %d", seed).isEqualTo(a.pixels());
      assertThat(b.boxes()).isEqualTo(a.boxes());
      assertThat(a.boxes().length).as("the IoU crop keeps at least one box centre").isPositive();
      for (int i = 0; i < a.boxes().length; i += 4) {
        float[] box = Arrays.copyOfRange(a.boxes(), i, i + 4);
        assertThat(box[0]).isBetween(0f, box[2]);
        assertThat(box[1]).isBetween(0f, box[3]);
        assertThat(box[2]).isLessThanOrEqualTo(64f);
        assertThat(box[3]).isLessThanOrEqualTo(64f);
        zoomedBoxes += box[2] - box[0] < 20 * 64f / W ? 1 : 0;
      }
    }
    assertThat(zoomedBoxes).as("zoomed-out samples shrink their boxes").isPositive();
  }

  @Test
  void geometry_probabilityZero_leavesTheGeometryAndDrawsNothing() {
    TransformPlan plain = TransformPlan.compile(List.of(new RandomResizedCrop(32), new HorizontalFlip(0.5)));
    TransformPlan zoom = TransformPlan.compile(List.of(new ZoomOut(1, 4, 0, 9), new RandomResizedCrop(32),
        new HorizontalFlip(0.5)));
    for (long seed = 0; seed < 10; seed++) {
      SplittableRandom a = new SplittableRandom(seed);
      SplittableRandom b = new SplittableRandom(seed);

      assertThat(zoom.geometry(W, H, b)).isEqualTo(plain.geometry(W, H, a));
      assertThat(b.nextLong()).isEqualTo(a.nextLong());
    }
  }

  @Test
  void geometry_halfProbability_zoomsAboutHalfTheSamples() {
    TransformPlan plan = TransformPlan.compile(List.of(new ZoomOut(), new Resize(64, 64)));
    int zoomed = 0;
    for (long seed = 0; seed < 400; seed++) {
      CropGeometry g = plan.geometry(W, H, new SplittableRandom(seed));
      zoomed += g.fills() ? 1 : 0;
    }
    assertThat(zoomed).isBetween(160, 240);
  }

  @Test
  void compile_zoomOutLast_failsAsTheOutputSizeIsUnfixed() {
    assertThatThrownBy(() -> TransformPlan.compile(List.of(new Resize(64, 64), new ZoomOut())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("specs");
    assertThat(TransformPlan.compile(List.of(new Resize(64, 64), new ZoomOut(), new Resize(32, 24))))
        .extracting(TransformPlan::outputWidth, TransformPlan::outputHeight).containsExactly(32, 24);
  }
}
