package dev.stoker.image;

import static dev.stoker.image.GeneratedImages.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;

import dev.stoker.api.SampleImage;
import dev.stoker.api.SampleStep;
import dev.stoker.api.SampleStepException;
import dev.stoker.api.TransformSpec;
import dev.stoker.api.TransformSpec.Custom;
import dev.stoker.api.TransformSpec.Grayscale;
import dev.stoker.api.TransformSpec.HorizontalFlip;
import dev.stoker.api.TransformSpec.Normalize;
import dev.stoker.api.TransformSpec.RandomResizedCrop;
import dev.stoker.api.TransformSpec.Resize;
import dev.stoker.decode.ImageDecoders;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A user's {@link SampleStep} in a plan: pixels, boxes, random draws, order, and failures naming the step. */
class CustomStepTest {
  private static final int W = 60;
  private static final int H = 40;
  private static final ByteBuffer PNG = GeneratedImages.png(GeneratedImages.scene(W, H));

  private final ImageIoDecoder decoder = new ImageIoDecoder(ImageDecoders.DEFAULT_MAX_PIXELS);

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

  /** A step from a name, a kind and a body. */
  private static SampleStep step(String name, SampleStep.Kind kind, Body body) {
    return new SampleStep() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Kind kind() {
        return kind;
      }

      @Override
      public void apply(SampleImage image, SplittableRandom random) throws Exception {
        body.apply(image, random);
      }
    };
  }

  private interface Body {
    void apply(SampleImage image, SplittableRandom random) throws Exception;
  }

  private static SampleStep invert() {
    return step("Invert", SampleStep.Kind.PHOTOMETRIC, (image, random) -> {
      MemorySegment px = image.pixels();
      for (long i = 0; i < px.byteSize(); i++) {
        px.set(ValueLayout.JAVA_BYTE, i, (byte) ~px.get(ValueLayout.JAVA_BYTE, i));
      }
    });
  }

  /** Mirrors the pixels left to right and the boxes with them, as {@code HorizontalFlip(1)} does. */
  private static SampleStep mirror() {
    return step("Mirror", SampleStep.Kind.GEOMETRIC, (image, random) -> {
      MemorySegment px = image.pixels();
      int w = image.width();
      for (int y = 0; y < image.height(); y++) {
        for (int x = 0; x < w / 2; x++) {
          for (int c = 0; c < 3; c++) {
            long a = (long) (y * w + x) * 3 + c;
            long b = (long) (y * w + (w - 1 - x)) * 3 + c;
            byte t = px.get(ValueLayout.JAVA_BYTE, a);
            px.set(ValueLayout.JAVA_BYTE, a, px.get(ValueLayout.JAVA_BYTE, b));
            px.set(ValueLayout.JAVA_BYTE, b, t);
          }
        }
      }
      float[] b = new float[4];
      for (int i = 0; i < image.boxCount(); i++) {
        image.box(i, b);
        image.setBox(i, w - b[2], b[1], w - b[0], b[3]);
      }
    });
  }

  @Test
  void process_photometricInvert_isTheInverseOfThePlainOutput() {
    byte[] plain = process(List.of(new RandomResizedCrop(24)), 3).pixels();
    byte[] inverted = process(List.of(new RandomResizedCrop(24), new Custom(invert())), 3).pixels();

    for (int i = 0; i < plain.length; i++) {
      assertThat(inverted[i]).as("byte %d", i).isEqualTo((byte) ~plain[i]);
    }
  }

  @Test
  void process_geometricMirror_pixelsAndBoxesAsTheBuiltInFlip() {
    float[] boxes = {5, 4, 20, 30, 40, 10, 58, 39};
    Result flip = process(List.of(new Resize(W, H), new HorizontalFlip(1)), 0, boxes);
    Result custom = process(List.of(new Resize(W, H), new Custom(mirror())), 0, boxes);

    assertThat(custom.pixels()).isEqualTo(flip.pixels());
    assertThat(custom.boxes()).containsExactly(flip.boxes());
    assertThat(custom.boxes()).containsExactly(40, 4, 55, 30, 2, 10, 20, 39);
    assertThat(custom.kept()).containsExactly(0, 1);
  }

  @Test
  void process_geometricStepMovesBoxesOut_clippedToTheImageAndEmptyOnesDropped() {
    SampleStep shift = step("Shift", SampleStep.Kind.GEOMETRIC, (image, random) -> {
      float[] b = new float[4];
      for (int i = 0; i < image.boxCount(); i++) {
        image.box(i, b);
        image.setBox(i, b[0] + 30, b[1], b[2] + 30, b[3]);
      }
    });

    List<float[]> seen = new ArrayList<>();
    SampleStep read = step("Read", SampleStep.Kind.PHOTOMETRIC, (image, random) -> {
      for (int i = 0; i < image.boxCount(); i++) {
        float[] b = new float[4];
        image.box(i, b);
        seen.add(b);
      }
    });

    Result r = process(List.of(new Resize(W, H), new Custom(shift), new Custom(read)), 0, 10, 5, 40, 15, 35, 5, 50, 15);

    assertThat(seen).as("the next step sees the boxes clipped, the one moved out dropped").hasSize(1);
    assertThat(seen.get(0)).containsExactly(40, 5, 60, 15);
    assertThat(r.boxes()).containsExactly(40, 5, 60, 15);
    assertThat(r.kept()).containsExactly(0);
  }

  @Test
  void process_photometricStepCallsSetBox_failsNamingTheStepAndTheSample() {
    SampleStep sneaky = step("Sneaky", SampleStep.Kind.PHOTOMETRIC, (image, random) -> image.setBox(0, 1, 1, 2, 2));

    Throwable failure = catchThrowable(() -> process(List.of(new Resize(W, H), new Custom(sneaky)), 0, 1, 1, 9, 9));

    assertThat(failure).isInstanceOf(SampleStepException.class).hasMessageStartingWith("scene.png: ")
        .hasMessageContaining("'Sneaky'").hasMessageContaining("PHOTOMETRIC")
        .hasCauseInstanceOf(IllegalStateException.class);
    assertThat(((SampleStepException) failure).step()).isEqualTo("Sneaky");
  }

  @Test
  void process_stepThrows_sampleStepExceptionNamingTheStepWithTheCause() {
    IOException checked = new IOException("lookup table missing");
    IllegalArgumentException unchecked = new IllegalArgumentException("bad pixel");
    for (Exception thrown : List.of(checked, unchecked)) {
      SampleStep boom = step("Boom", SampleStep.Kind.PHOTOMETRIC, (image, random) -> {
        throw thrown;
      });

      Throwable failure = catchThrowable(() -> process(List.of(new Resize(W, H), new Custom(boom)), 0));

      assertThat(failure).isInstanceOf(SampleStepException.class).hasMessageStartingWith("scene.png: step 'Boom'")
          .hasMessageContaining(thrown.getMessage()).hasCause(thrown);
    }
  }

  @Test
  void process_stepThatDoesNotThrow_processesNormally() {
    // negative control for the failure tests: the same plan with a step that returns
    SampleStep quiet = step("Quiet", SampleStep.Kind.PHOTOMETRIC, (image, random) -> { });

    assertThat(process(List.of(new Resize(W, H), new Custom(quiet)), 0).pixels())
        .isEqualTo(process(List.of(new Resize(W, H)), 0).pixels());
  }

  @Test
  void process_customBeforeNormalize_seesUint8AndNormalizeConvertsItsResult() {
    Normalize normalize = new Normalize(List.of(0.0, 0.0, 0.0), List.of(1.0, 1.0, 1.0));
    byte[] inverted = process(List.of(new Resize(W, H), new Custom(invert())), 0).pixels();
    MemorySegment floats = MemorySegment.ofArray(process(List.of(new Resize(W, H), new Custom(invert()), normalize), 0)
        .pixels());

    for (int i = 0; i < inverted.length; i++) {
      assertThat(floats.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i)).isEqualTo((inverted[i] & 0xFF) / 255f);
    }
  }

  @Test
  void process_outputSteps_runInTheOrderWritten() {
    SampleStep setForty = step("SetForty", SampleStep.Kind.PHOTOMETRIC,
        (image, random) -> image.pixels().fill((byte) 40));
    SampleStep addOne = step("AddOne", SampleStep.Kind.PHOTOMETRIC, (image, random) -> {
      MemorySegment px = image.pixels();
      for (long i = 0; i < px.byteSize(); i++) {
        px.set(ValueLayout.JAVA_BYTE, i, (byte) (px.get(ValueLayout.JAVA_BYTE, i) + 1));
      }
    });

    byte[] setThenAdd = process(List.of(new Resize(8, 8), new Custom(setForty), new Custom(addOne)), 0).pixels();
    byte[] addThenSet = process(List.of(new Resize(8, 8), new Custom(addOne), new Custom(setForty)), 0).pixels();

    assertThat(setThenAdd).containsOnly((byte) 41);
    assertThat(addThenSet).containsOnly((byte) 40);
  }

  @Test
  void process_customStep_drawsAfterTheGeometryAndTheEarlierOutputSteps() {
    AtomicLong drawn = new AtomicLong();
    SampleStep record = step("Record", SampleStep.Kind.PHOTOMETRIC, (image, random) -> drawn.set(random.nextLong()));
    List<TransformSpec> geometry = List.of(new RandomResizedCrop(24), new HorizontalFlip(0.5));
    List<TransformSpec> specs = new ArrayList<>(geometry);
    specs.add(new Grayscale(0.5));
    specs.add(new Custom(record));
    for (long seed = 0; seed < 5; seed++) {
      SplittableRandom replay = new SplittableRandom(seed);
      TransformPlan.compile(geometry).geometry(W, H, replay);
      replay.nextDouble(); // Grayscale's coin

      process(specs, seed);

      assertThat(drawn.get()).as("seed %d", seed).isEqualTo(replay.nextLong());
    }
  }

  @Test
  void sampleImage_afterTheCall_throws() {
    AtomicReference<SampleImage> kept = new AtomicReference<>();
    SampleStep keep = step("Keep", SampleStep.Kind.GEOMETRIC, (image, random) -> {
      assertThat(image.width()).isEqualTo(W);
      assertThat(image.height()).isEqualTo(H);
      assertThat(image.channels()).isEqualTo(3);
      assertThat(image.pixels().byteSize()).isEqualTo(W * H * 3L);
      assertThat(image.boxCount()).isEqualTo(1);
      kept.set(image);
    });

    process(List.of(new Resize(W, H), new Custom(keep)), 0, 1, 1, 9, 9);

    assertThatThrownBy(() -> kept.get().boxCount()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("only during");
    assertThatThrownBy(() -> kept.get().setBox(0, 1, 1, 2, 2)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void setBox_swappedOrNonFiniteCorners_failsNamingTheParameter() {
    SampleStep swapped = step("Swapped", SampleStep.Kind.GEOMETRIC, (image, random) -> image.setBox(0, 5, 1, 2, 2));
    SampleStep nan = step("NaN", SampleStep.Kind.GEOMETRIC, (image, random) -> image.setBox(0, Float.NaN, 1, 2, 2));

    assertThat(catchThrowable(() -> process(List.of(new Resize(W, H), new Custom(swapped)), 0, 1, 1, 9, 9)))
        .isInstanceOf(SampleStepException.class).hasMessageContaining("'Swapped'").hasMessageContaining("x1");
    assertThat(catchThrowable(() -> process(List.of(new Resize(W, H), new Custom(nan)), 0, 1, 1, 9, 9)))
        .isInstanceOf(SampleStepException.class).hasMessageContaining("finite");
  }

  @Test
  void process_photometricStepReadsBoxes_inOutputPixels() {
    List<float[]> seen = new ArrayList<>();
    SampleStep read = step("Read", SampleStep.Kind.PHOTOMETRIC, (image, random) -> {
      float[] b = new float[4];
      image.box(0, b);
      seen.add(b);
    });

    process(List.of(new Resize(W / 2, H / 2), new Custom(read)), 0, 10, 20, 30, 40);

    assertThat(seen).singleElement().satisfies(b -> {
      assertThat(b[0]).isCloseTo(5f, within(1e-4f));
      assertThat(b[1]).isCloseTo(10f, within(1e-4f));
      assertThat(b[2]).isCloseTo(15f, within(1e-4f));
      assertThat(b[3]).isCloseTo(20f, within(1e-4f));
    });
  }
}
