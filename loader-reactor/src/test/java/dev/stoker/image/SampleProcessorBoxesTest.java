package dev.stoker.image;

import dev.stoker.decode.ImageDecoders;
import static dev.stoker.image.GeneratedImages.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.stoker.api.TransformSpec;
import dev.stoker.api.TransformSpec.CenterCrop;
import dev.stoker.api.TransformSpec.ColorJitter;
import dev.stoker.api.TransformSpec.HorizontalFlip;
import dev.stoker.api.TransformSpec.Pad;
import dev.stoker.api.TransformSpec.RandomIoUCrop;
import dev.stoker.api.TransformSpec.RandomResizedCrop;
import dev.stoker.api.TransformSpec.Resize;
import dev.stoker.api.TransformSpec.Rotate;
import dev.stoker.api.TransformSpec.VerticalFlip;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Boxes follow the pixels through every geometric step, then the clip-and-drop rule applies. */
class SampleProcessorBoxesTest {
  private static final int W = 100;
  private static final int H = 80;
  private static final ByteBuffer PNG = GeneratedImages.png(GeneratedImages.scene(W, H));
  private static final float TOLERANCE = 1e-4f;

  private final ImageIoDecoder decoder = new ImageIoDecoder(ImageDecoders.DEFAULT_MAX_PIXELS);

  /** The result of one boxed sample: pixels, kept boxes, their input indices. */
  private record Result(byte[] pixels, float[] boxes, int[] kept) {}

  private Result process(List<TransformSpec> specs, long seed, float... boxes) {
    SampleProcessor processor = new SampleProcessor(decoder, TransformPlan.compile(specs));
    MemorySegment out = Arena.ofAuto().allocate(processor.sampleBytes());
    int count = boxes.length / 4;
    float[] boxesOut = new float[boxes.length];
    int[] keptOut = new int[count];
    int kept = processor.process(PNG, "scene.png", new SplittableRandom(seed), out, boxes, count, boxesOut, keptOut);
    return new Result(bytes(out), Arrays.copyOf(boxesOut, 4 * kept), Arrays.copyOf(keptOut, kept));
  }

  private static void assertBoxes(float[] actual, float... expected) {
    assertThat(actual).hasSize(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat(actual[i]).as("coordinate %d of %s", i, Arrays.toString(actual)).isCloseTo(expected[i], within(TOLERANCE));
    }
  }

  @Test
  void process_flips_mirrorTheBox() {
    assertBoxes(process(List.of(new Resize(W, H), new HorizontalFlip(1)), 0, 10, 20, 30, 50).boxes(), 70, 20, 90, 50);
    assertBoxes(process(List.of(new Resize(W, H), new VerticalFlip(1)), 0, 10, 20, 30, 50).boxes(), 10, 30, 30, 60);
  }

  @Test
  void process_centerCrop_translatesAndClipsTheBox() {
    // the crop starts at (25, 20); the box's left part is cut off
    assertBoxes(process(List.of(new CenterCrop(50, 40)), 0, 10, 30, 40, 50).boxes(), 0, 10, 15, 30);
  }

  @Test
  void process_resize_scalesTheBox() {
    assertBoxes(process(List.of(new Resize(50, 160)), 0, 10, 20, 30, 50).boxes(), 5, 40, 15, 100);
  }

  @Test
  void process_pad_shiftsTheBoxByTheLeftAndTopBorders() {
    assertBoxes(process(List.of(new Resize(W, H), new Pad(5, 6, 7, 8, 0)), 0, 10, 20, 30, 50).boxes(), 15, 26, 35, 56);
  }

  @Test
  void process_rotate90_turnsTheBoxCounterClockwiseOnTheSameCanvas() {
    // about the centre (50, 40): (x, y) goes to (y + 10, 90 - x)
    assertBoxes(process(List.of(new Rotate(90), new Resize(W, H)), 0, 10, 20, 30, 50).boxes(), 30, 60, 60, 80);
  }

  @Test
  void process_rotate30_boxBecomesTheBoundingBoxOfItsRotatedCorners() {
    double half = 10 * (Math.cos(Math.toRadians(30)) + Math.sin(Math.toRadians(30)));

    Result r = process(List.of(new Rotate(30), new Resize(W, H)), 0, 40, 30, 60, 50);

    assertBoxes(r.boxes(), (float) (50 - half), (float) (40 - half), (float) (50 + half), (float) (40 + half));
  }

  @Test
  void process_boxesAcrossTheCropEdge_areClippedOrDroppedByTheOnePixelRule() {
    // CenterCrop(50, 40) of 100x80 keeps x in [25, 75], y in [20, 60]
    Result r = process(List.of(new CenterCrop(50, 40)), 0,
        30, 30, 40, 50, // 0: inside
        10, 30, 40, 50, // 1: clipped on the left
        0, 0, 10, 10, // 2: outside, dropped
        24.5f, 30, 25.5f, 50, // 3: 0.5 px left after clipping, dropped
        24, 30, 26, 50, // 4: exactly 1 px left, kept
        30, 59.2f, 40, 60.8f); // 5: 0.8 px high after clipping, dropped

    assertThat(r.kept()).containsExactly(0, 1, 4);
    assertBoxes(r.boxes(), 5, 10, 15, 30, 0, 10, 15, 30, 0, 10, 1, 30);
  }

  @Test
  void process_cropThenPad_boxStaysClippedToTheCrop() {
    Result r = process(List.of(new CenterCrop(50, 40), new Pad(10, 10, 10, 10, 0)), 0, 10, 30, 40, 50);

    assertBoxes(r.boxes(), 10, 20, 25, 40);
  }

  @Test
  void process_cropThenPad_boxAcrossTheTopEdgeIsClippedAtTheCropTop() {
    // CenterCrop(50, 40) of 100x80 keeps y in [20, 60]: the box's top (y 5) is cut to the crop's top,
    // then the pad moves it down by 10
    Result r = process(List.of(new CenterCrop(50, 40), new Pad(10, 10, 10, 10, 0)), 0, 30, 5, 40, 30);

    assertBoxes(r.boxes(), 15, 10, 25, 20);
  }

  @Test
  void process_boxAboveTheImageTop_isClippedAtZero() {
    // a source box may reach above the image (y0 < 0); it is delivered from row 0
    Result r = process(List.of(new Resize(W, H)), 0, 10, -12, 30, 20, 40, -30, 60, -2);

    assertThat(r.kept()).containsExactly(0);
    assertBoxes(r.boxes(), 10, 0, 30, 20);
  }

  @Test
  void process_noBoxes_sameBytesAsTheFourArgumentProcess() {
    List<TransformSpec> specs = List.of(new RandomIoUCrop(), new Rotate(-20, 20, 0.7, 0), new RandomResizedCrop(48),
        new HorizontalFlip(0.5), new ColorJitter(0.3, 0.3, 0.3, 0.05));
    SampleProcessor processor = new SampleProcessor(decoder, TransformPlan.compile(specs));
    for (long seed = 0; seed < 10; seed++) {
      MemorySegment plain = Arena.ofAuto().allocate(processor.sampleBytes());
      processor.process(PNG, "scene.png", new SplittableRandom(seed), plain);

      Result boxed = process(specs, seed);

      assertThat(boxed.pixels()).as("seed %d", seed).isEqualTo(bytes(plain));
      assertThat(boxed.kept()).isEmpty();
    }
  }

  @Test
  void process_sameSeed_sameBytesAndBoxes() {
    List<TransformSpec> specs = List.of(new RandomIoUCrop(), new Rotate(-20, 20, 0.7, 0), new Resize(64, 64),
        new HorizontalFlip(0.5));
    float[] boxes = {10, 10, 40, 40, 50, 20, 90, 70, 5, 50, 30, 78};
    for (long seed = 0; seed < 10; seed++) {
      Result a = process(specs, seed, boxes);
      Result b = process(specs, seed, boxes);

      assertThat(b.pixels()).isEqualTo(a.pixels());
      assertThat(b.boxes()).isEqualTo(a.boxes());
      assertThat(b.kept()).isEqualTo(a.kept());
    }
    assertThat(process(specs, 1, boxes).pixels()).isNotEqualTo(process(specs, 2, boxes).pixels());
  }

  @Test
  void process_badBoxArguments_failNamingTheParameter() {
    SampleProcessor processor = new SampleProcessor(decoder, TransformPlan.compile(List.of(new Resize(8, 8))));
    MemorySegment out = Arena.ofAuto().allocate(processor.sampleBytes());
    SplittableRandom random = new SplittableRandom(0);

    assertThatThrownBy(() -> processor.process(PNG, "s", random, out, new float[4], 2, new float[8], new int[2]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("boxesIn");
    assertThatThrownBy(() -> processor.process(PNG, "s", random, out, new float[8], 2, new float[7], new int[2]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("boxesOut");
    assertThatThrownBy(() -> processor.process(PNG, "s", random, out, new float[8], 2, new float[8], new int[1]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("keptOut");
    assertThatThrownBy(() -> processor.process(PNG, "s", random, out, new float[4], -1, new float[4], new int[1]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("boxCount");
    assertThatThrownBy(() -> processor.process(PNG, "s", random, out, new float[] {5, 5, 1, 9}, 1, new float[4],
        new int[1])).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("boxesIn");
  }
}
