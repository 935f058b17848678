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
  private final AutoAugment[] auto;
  private final PhotometricOps ops = new PhotometricOps();
  private final PhotometricDistortOp distort = new PhotometricDistortOp(ops);
  private final GaussianBlurOp blur = new GaussianBlurOp();
  private final StepImage view = new StepImage();
  private byte[] pixels = new byte[0];
  private MemorySegment image;
  private int len;
  private boolean loaded;

  /**
   * Prepares {@code specs}, which must all be output steps.
   *
   * @throws IllegalArgumentException naming {@code specs} if one is not
   */
  OutputSteps(List<TransformSpec> specs) {
    Checks.notNull(specs, "specs");
    this.steps = specs.toArray(TransformSpec[]::new);
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
    if (steps.length == 0) {
      return;
    }
    image = target;
    len = Math.multiplyExact(Math.multiplyExact(width, height), 3);
    loaded = false;
    try {
      for (int i = 0; i < steps.length; i++) {
        switch (steps[i]) {
          case Grayscale g -> {
            if (g.p() > 0 && random.nextDouble() < g.p()) {
              PhotometricOps.grayscale(load(), len);
            }
          }
          case ColorJitter j -> {
            if (j.brightness() > 0 || j.contrast() > 0 || j.saturation() > 0 || j.hue() > 0) {
              ops.colorJitter(j, random, load(), len);
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
              distort.apply(load(), len, d, random);
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
