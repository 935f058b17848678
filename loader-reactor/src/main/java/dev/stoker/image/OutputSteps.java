package dev.stoker.image;

import dev.stoker.api.SampleStep;
import dev.stoker.api.SampleStepException;
import dev.stoker.api.TransformSpec;
import dev.stoker.api.TransformSpec.ColorJitter;
import dev.stoker.api.TransformSpec.Custom;
import dev.stoker.api.TransformSpec.GaussianBlur;
import dev.stoker.api.TransformSpec.Grayscale;
import dev.stoker.api.TransformSpec.PhotometricDistort;
import dev.stoker.api.TransformSpec.RandAugment;
import dev.stoker.api.TransformSpec.RandomErasing;
import dev.stoker.api.TransformSpec.TrivialAugmentWide;
import dev.stoker.api.internal.Checks;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The output stage of a plan: every step that runs on the sample's output image after the
 * geometry ({@link TransformPlan#outputSteps()}), in the order written, each drawing its random
 * numbers from the sample's generator after the geometry's and the earlier output steps'. A step
 * that cannot change anything (a probability of 0, a jitter of all zeros) draws nothing.
 *
 * <ul>
 *   <li>{@code ColorJitter}, {@code Grayscale}: {@link PhotometricOps}, draw for draw as before
 *       this stage existed;
 *   <li>{@code RandomErasing}: {@link RandomErasingOp};
 *   <li>{@code GaussianBlur}: {@link GaussianBlurOp};
 *   <li>{@code PhotometricDistort}: {@link PhotometricDistortOp};
 *   <li>{@code RandAugment}, {@code TrivialAugmentWide}: {@link AutoAugment}, one per step, which
 *       also moves the boxes;
 *   <li>{@code Custom}: the user's {@link SampleStep} on a {@link StepImage} view. What it throws
 *       (any {@link Exception}) becomes a {@link SampleStepException} naming the sample and the
 *       step, which fails that sample only; after a {@link SampleStep.Kind#GEOMETRIC} step the boxes
 *       are clipped to the image and the empty ones dropped ({@link BoxSet#clip}).
 * </ul>
 *
 * <p>The built-in per-pixel steps work on a heap copy of the image, made when the first of them
 * changes something and written back before a step that needs the memory itself (AutoAugment, a
 * user's step) and at the end, so a run of them costs one copy in and one out.
 *
 * <p>Not thread-safe: one per worker thread; its scratch grows to the output's size and is
 * reused.
 *
 * <pre>{@code
 * OutputSteps steps = new OutputSteps(plan.outputSteps());
 * steps.apply(out, plan.outputWidth(), plan.outputHeight(), boxes, random, "cat.jpg");
 * }</pre>
 */
final class OutputSteps {
  private final TransformSpec[] steps;
  /** Per step: its position in the written list, so fill brought in after it is left plain. */
  private final int[] positions;
  private final AutoAugment[] auto;
  private final PhotometricOps ops = new PhotometricOps();
  private final PhotometricDistortOp distort = new PhotometricDistortOp(ops);
  private final GaussianBlurOp blur = new GaussianBlurOp();
  private final StepImage view = new StepImage();
  private byte[] pixels = new byte[0];
  private MemorySegment image;
  private int len;
  private boolean loaded;
  /** The current sample's fill coverage, or null when every pixel shows the image. */
  private Coverage coverage;
  private int[] spanFrom = new int[0];
  private int[] spanTo = new int[0];
  private byte[] compact = new byte[0];

  /**
   * Prepares {@code specs}, which must all be output steps.
   *
   * @throws IllegalArgumentException naming {@code specs} if one is not
   */
  OutputSteps(List<TransformSpec> specs) {
    this(specs, null);
  }

  /**
   * Prepares {@code specs}, which must all be output steps, written at {@code positions} of the
   * plan ({@link TransformPlan#outputPositions()}); null counts each as written after every
   * geometric step, so it colours every pixel.
   *
   * @throws IllegalArgumentException naming {@code specs} if one is not an output step, or
   *     {@code positions} if it is not one per step
   */
  OutputSteps(List<TransformSpec> specs, List<Integer> positions) {
    Checks.notNull(specs, "specs");
    this.steps = specs.toArray(TransformSpec[]::new);
    this.positions = new int[steps.length];
    Checks.argument(positions == null || positions.size() == steps.length, "positions",
        "must hold one position per step, got " + positions + " for " + specs);
    for (int i = 0; i < steps.length; i++) {
      this.positions[i] = positions == null ? Integer.MAX_VALUE : positions.get(i);
    }
    this.auto = new AutoAugment[steps.length];
    for (int i = 0; i < steps.length; i++) {
      switch (steps[i]) {
        case RandAugment a -> auto[i] = new AutoAugment(a);
        case TrivialAugmentWide a -> auto[i] = new AutoAugment(a);
        case ColorJitter j -> { }
        case Grayscale g -> { }
        case RandomErasing e -> { }
        case GaussianBlur b -> { }
        case PhotometricDistort d -> { }
        case Custom c -> { }
        default -> throw new IllegalArgumentException("specs: " + steps[i] + " does not run on the output image");
      }
    }
  }

  /** Whether there is no step to run. */
  boolean isEmpty() {
    return steps.length == 0;
  }

  /**
   * Runs every step on {@code target} ({@code width x height} packed RGB uint8), in place, moving
   * {@code boxes} (output pixels) where a step moves pixels.
   *
   * @param source the sample's name, for failures
   * @throws SampleStepException naming {@code source} and the step if a user's step throws
   */
  void apply(MemorySegment target, int width, int height, BoxSet boxes, SplittableRandom random, String source) {
    apply(target, width, height, boxes, random, source, null);
  }

  /**
   * As {@link #apply(MemorySegment, int, int, BoxSet, SplittableRandom, String)}, with the per-pixel
   * colour steps ({@code ColorJitter}, {@code Grayscale}, {@code PhotometricDistort}) leaving plain
   * the pixels that show the fill of a geometric step written after them, as the written order does
   * ({@link Coverage#colouredSpans}); contrast then blends with the mean gray of the pixels it colours.
   *
   * @param fills which pixels show which step's fill ({@link GeometryRenderer#lastCoverage()}), or
   *     null when every pixel shows the image
   */
  void apply(MemorySegment target, int width, int height, BoxSet boxes, SplittableRandom random, String source,
      Coverage fills) {
    if (steps.length == 0) {
      return;
    }
    if (fills != null && (fills.columns() != width || fills.rows() != height)) {
      throw new IllegalStateException("coverage of " + fills.columns() + "x" + fills.rows() + " for an output of "
          + width + "x" + height);
    }
    image = target;
    coverage = fills;
    len = Math.multiplyExact(Math.multiplyExact(width, height), 3);
    loaded = false;
    try {
      for (int i = 0; i < steps.length; i++) {
        switch (steps[i]) {
          case Grayscale g -> {
            if (g.p() > 0 && random.nextDouble() < g.p()) {
              byte[] px = load();
              int n = gather(i, px, width, height);
              PhotometricOps.grayscale(n < 0 ? px : compact, n < 0 ? len : n);
              scatter(n, px, width, height);
            }
          }
          case ColorJitter j -> {
            if (j.brightness() > 0 || j.contrast() > 0 || j.saturation() > 0 || j.hue() > 0) {
              byte[] px = load();
              int n = gather(i, px, width, height);
              ops.colorJitter(j, random, n < 0 ? px : compact, n < 0 ? len : n);
              scatter(n, px, width, height);
            }
          }
          case RandomErasing e -> {
            if (RandomErasingOp.coin(e, random)) {
              RandomErasingOp.erase(load(), width, height, e, random);
            }
          }
          case GaussianBlur b -> blur.apply(load(), width, height, b, random);
          case PhotometricDistort d -> {
            if (d.p() > 0) {
              byte[] px = load();
              int n = gather(i, px, width, height);
              distort.apply(n < 0 ? px : compact, n < 0 ? len : n, d, random);
              scatter(n, px, width, height);
            }
          }
          case RandAugment a -> {
            flush();
            auto[i].apply(target, width, height, boxes, random);
          }
          case TrivialAugmentWide a -> {
            flush();
            auto[i].apply(target, width, height, boxes, random);
          }
          case Custom c -> {
            flush();
            custom(c.step(), width, height, boxes, random, source);
          }
          default -> throw new IllegalStateException("not an output step: " + steps[i]);
        }
      }
      flush();
    } finally {
      image = null;
      coverage = null;
    }
  }

  /**
   * Copies the pixels step {@code i} colours, row span by row span, into {@link #compact}.
   *
   * @return their bytes, or -1 when it colours every pixel (then nothing is copied)
   */
  private int gather(int i, byte[] px, int width, int height) {
    if (coverage == null) {
      return -1;
    }
    if (spanFrom.length < height) {
      spanFrom = new int[height];
      spanTo = new int[height];
    }
    if (!coverage.colouredSpans(positions[i], spanFrom, spanTo)) {
      return -1;
    }
    if (compact.length < len) {
      compact = new byte[len];
    }
    int n = 0;
    for (int row = 0; row < height; row++) {
      int bytes = (spanTo[row] - spanFrom[row]) * 3;
      if (bytes > 0) {
        System.arraycopy(px, (row * width + spanFrom[row]) * 3, compact, n, bytes);
        n += bytes;
      }
    }
    return n;
  }

  /** Copies {@link #compact} back into the spans {@link #gather} took it from, if it took any. */
  private void scatter(int n, byte[] px, int width, int height) {
    if (n < 0) {
      return;
    }
    int at = 0;
    for (int row = 0; row < height; row++) {
      int bytes = (spanTo[row] - spanFrom[row]) * 3;
      if (bytes > 0) {
        System.arraycopy(compact, at, px, (row * width + spanFrom[row]) * 3, bytes);
        at += bytes;
      }
    }
  }

  private void custom(SampleStep step, int width, int height, BoxSet boxes, SplittableRandom random, String source) {
    boolean geometric;
    try {
      SampleStep.Kind kind = step.kind();
      if (kind == null) {
        throw new IllegalStateException("kind() returned null; a step is PHOTOMETRIC or GEOMETRIC");
      }
      geometric = kind == SampleStep.Kind.GEOMETRIC;
      view.open(step, geometric, image.asSlice(0, len), width, height, boxes);
      step.apply(view, random);
    } catch (Exception e) {
      throw new SampleStepException(source, nameOf(step), e);
    } finally {
      view.close();
    }
    if (geometric && boxes != null) {
      boxes.clip(width, height);
    }
  }

  /** The step's {@link SampleStep#name()}, or its class name when that returns null or throws. */
  static String nameOf(SampleStep step) {
    try {
      String name = step.name();
      return name != null ? name : step.getClass().getName();
    } catch (RuntimeException e) {
      return step.getClass().getName();
    }
  }

  /** The heap copy of the image, made on first use. */
  private byte[] load() {
    if (!loaded) {
      if (pixels.length < len) {
        pixels = new byte[len];
      }
      MemorySegment.copy(image, ValueLayout.JAVA_BYTE, 0, pixels, 0, len);
      loaded = true;
    }
    return pixels;
  }

  /** Writes the heap copy back, if there is one. */
  private void flush() {
    if (loaded) {
      MemorySegment.copy(pixels, 0, image, ValueLayout.JAVA_BYTE, 0, len);
      loaded = false;
    }
  }
}
