package dev.stoker.image;

import dev.stoker.decode.ImageDecoders;
import static dev.stoker.image.GeneratedImages.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.stoker.api.TransformSpec;
import dev.stoker.api.TransformSpec.CenterCrop;
import dev.stoker.api.TransformSpec.ColorJitter;
import dev.stoker.api.TransformSpec.Grayscale;
import dev.stoker.api.TransformSpec.HorizontalFlip;
import dev.stoker.api.TransformSpec.Normalize;
import dev.stoker.api.TransformSpec.Pad;
import dev.stoker.api.TransformSpec.RandomCrop;
import dev.stoker.api.TransformSpec.RandomIoUCrop;
import dev.stoker.api.TransformSpec.RandomResizedCrop;
import dev.stoker.api.TransformSpec.Resize;
import dev.stoker.api.TransformSpec.Rotate;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Compiling the new steps, Normalize's float output, and disabled rotations drawing nothing. */
class NewStepsPlanTest {
  private static final ByteBuffer JPEG = GeneratedImages.jpeg(GeneratedImages.scene(120, 90));
  private static final List<Double> MEAN = List.of(0.485, 0.456, 0.406);
  private static final List<Double> STD = List.of(0.229, 0.224, 0.225);

  private final ImageIoDecoder decoder = new ImageIoDecoder(ImageDecoders.DEFAULT_MAX_PIXELS);

  private MemorySegment process(List<TransformSpec> specs, long seed) {
    SampleProcessor processor = new SampleProcessor(decoder, TransformPlan.compile(specs));
    MemorySegment out = Arena.ofAuto().allocate(processor.sampleBytes());
    processor.process(JPEG, "scene.jpg", new SplittableRandom(seed), out);
    return out;
  }

  @Test
  void compile_normalizeNotLast_failsNamingTheSpec() {
    Normalize normalize = new Normalize(MEAN, STD);
    List<List<TransformSpec>> bad = List.of(
        List.of(normalize, new Resize(8, 8)),
        List.of(new Resize(8, 8), normalize, new HorizontalFlip(0.5)),
        List.of(new Resize(8, 8), normalize, normalize));
    for (List<TransformSpec> specs : bad) {
      assertThatThrownBy(() -> TransformPlan.compile(specs))
          .as("%s", specs)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("specs")
          .hasMessageContaining(normalize.toString());
    }
  }

  @Test
  void compile_normalizeLast_floatOutputOfTwelveBytesPerPixel() {
    TransformPlan plan = TransformPlan.compile(List.of(new Resize(16, 8), new Normalize(MEAN, STD)));

    assertThat(plan.floatOutput()).isTrue();
    assertThat(new SampleProcessor(decoder, plan).sampleBytes()).isEqualTo(16 * 8 * 3 * 4);
    assertThat(TransformPlan.compile(List.of(new Resize(16, 8))).floatOutput()).isFalse();
  }

  @Test
  void compile_newSteps_setTheOutputSize() {
    assertThat(TransformPlan.compile(List.of(new Resize(32, 24), new Pad(1, 2, 3, 4, 0))))
        .extracting(TransformPlan::outputWidth, TransformPlan::outputHeight).containsExactly(36, 30);
    assertThat(TransformPlan.compile(List.of(new Pad(4, 4, 4, 4, 0), new RandomCrop(32, 30), new Rotate(10))))
        .extracting(TransformPlan::outputWidth, TransformPlan::outputHeight).containsExactly(32, 30);
    assertThat(TransformPlan.compile(List.of(new RandomIoUCrop(), new Resize(300, 300))))
        .extracting(TransformPlan::outputWidth, TransformPlan::outputHeight).containsExactly(300, 300);
    assertThatThrownBy(() -> TransformPlan.compile(List.of(new Resize(300, 300), new RandomIoUCrop())))
        .hasMessageStartingWith("specs");
    assertThatThrownBy(() -> TransformPlan.compile(List.of(new Pad(1, 1, 1, 1, 0), new Rotate(5))))
        .hasMessageStartingWith("specs");
  }

  @Test
  void process_normalize_writesFloat32OfTheUint8OutputByTheFormula() {
    List<TransformSpec> geometry = List.of(new RandomResizedCrop(24), new HorizontalFlip(0.5), new Grayscale(0.3));
    List<TransformSpec> normalized = new ArrayList<>(geometry);
    normalized.add(new Normalize(MEAN, STD));
    for (long seed = 0; seed < 4; seed++) {
      byte[] levels = bytes(process(geometry, seed));
      MemorySegment floats = process(normalized, seed);

      for (int i = 0; i < levels.length; i++) {
        int c = i % 3;
        double expected = ((levels[i] & 0xFF) / 255.0 - MEAN.get(c)) / STD.get(c);
        assertThat(floats.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i)).as("seed %d value %d", seed, i)
            .isCloseTo((float) expected, within(1e-6f));
      }
    }
  }

  @Test
  void process_normalizeWithMeanZeroStdOne_isTheLevelOver255() {
    MemorySegment floats = process(List.of(new Resize(8, 8), new Normalize(List.of(0.0, 0.0, 0.0),
        List.of(1.0, 1.0, 1.0))), 0);
    byte[] levels = bytes(process(List.of(new Resize(8, 8)), 0));

    for (int i = 0; i < levels.length; i++) {
      assertThat(floats.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i)).isEqualTo((levels[i] & 0xFF) / 255f);
    }
  }

  @Test
  void geometryAndProcess_rotateProbabilityZero_identicalAndDrawNothing() {
    List<TransformSpec> without = List.of(new RandomResizedCrop(32), new HorizontalFlip(0.5),
        new ColorJitter(0.4, 0.4, 0.4, 0.1));
    List<TransformSpec> with = List.of(new Rotate(-30, 30, 0, 7), new RandomResizedCrop(32),
        new Rotate(45, 45, 0, 0), new HorizontalFlip(0.5), new ColorJitter(0.4, 0.4, 0.4, 0.1));
    TransformPlan plain = TransformPlan.compile(without);
    TransformPlan disabled = TransformPlan.compile(with);
    for (long seed = 0; seed < 20; seed++) {
      SplittableRandom a = new SplittableRandom(seed);
      SplittableRandom b = new SplittableRandom(seed);

      assertThat(disabled.geometry(120, 90, b)).isEqualTo(plain.geometry(120, 90, a));
      assertThat(b.nextLong()).as("the next draw after the geometry").isEqualTo(a.nextLong());
      assertThat(bytes(process(with, seed))).as("seed %d", seed).isEqualTo(bytes(process(without, seed)));
    }
  }

  @Test
  void geometry_padAndRotateZero_leaveTheGeometryAsWithoutThem() {
    TransformPlan plain = TransformPlan.compile(List.of(new CenterCrop(50, 40)));
    TransformPlan noOps = TransformPlan.compile(List.of(new Pad(0, 0, 0, 0, 9), new CenterCrop(50, 40),
        new Rotate(0), new Rotate(360)));

    assertThat(noOps.geometry(120, 90, new SplittableRandom(1))).isEqualTo(plain.geometry(120, 90,
        new SplittableRandom(1)));
  }

  @Test
  void geometry_halfTurn_isBothMirrorsAndOtherAnglesRotateTheFrame() {
    CropGeometry half = TransformPlan.compile(List.of(new Rotate(180), new Resize(60, 45)))
        .geometry(120, 90, new SplittableRandom(0));
    CropGeometry quarter = TransformPlan.compile(List.of(new Rotate(90), new Resize(60, 45)))
        .geometry(120, 90, new SplittableRandom(0));

    assertThat(half).isEqualTo(new CropGeometry(0, 0, 120, 90, 60, 45, true, true));
    assertThat(half.rotated()).isFalse();
    assertThat(half.fills()).isFalse();
    assertThat(quarter.rotated()).isTrue();
    assertThat(quarter.fills()).as("a quarter turn of a non-square canvas crops and borders").isTrue();
    assertThat(quarter.outputToSource().transposing()).isTrue();
  }
}
