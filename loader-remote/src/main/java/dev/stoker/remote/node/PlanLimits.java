package dev.stoker.remote.node;

import dev.stoker.api.TransformSpec;
import dev.stoker.api.TransformSpec.CenterCrop;
import dev.stoker.api.TransformSpec.Custom;
import dev.stoker.api.TransformSpec.GaussianBlur;
import dev.stoker.api.TransformSpec.Pad;
import dev.stoker.api.TransformSpec.RandAugment;
import dev.stoker.api.TransformSpec.RandomCrop;
import dev.stoker.api.TransformSpec.RandomIoUCrop;
import dev.stoker.api.TransformSpec.RandomResizedCrop;
import dev.stoker.api.TransformSpec.Resize;
import dev.stoker.api.TransformSpec.ResizeShorter;
import dev.stoker.api.TransformSpec.ZoomOut;
import dev.stoker.pipeline.SupplyPlan;
import java.util.List;

/**
 * Checks a client's plan against a node's {@link DataNodeConfig.Limits} before anything is built
 * for it: the number of steps, every size a step names (an output, a crop, a resize, a pad, alone
 * and, for the output, as width times height), the canvas a {@code Pad} or a {@code ZoomOut} grows
 * a known size into (its largest ratio, rounded up), a {@code RandomIoUCrop}'s trials and
 * thresholds, a {@code GaussianBlur}'s kernel and a {@code RandAugment}'s operations per sample.
 * These are the plan's numbers that drive allocation (the output and its float copy per worker
 * thread, the pooled sample buffers) or time per sample (the trials, the kernel taps, the
 * passes); the other values are bounded by their records ({@code Rotate}'s angles,
 * {@code TrivialAugmentWide}'s one operation, magnitude bins) or cost nothing that grows with them
 * (probabilities, jitter factors, erasing and distortion ranges, the seed). A {@code Custom} step
 * never arrives (it has no JSON form); one in a plan is refused all the same.
 */
final class PlanLimits {
  private PlanLimits() {}

  /**
   * Checks {@code plan}.
   *
   * @throws IllegalArgumentException naming the step and the value over its limit
   */
  static void check(SupplyPlan plan, DataNodeConfig.Limits limits) {
    List<TransformSpec> specs = plan.transforms();
    if (specs.size() > limits.maxTransforms()) {
      throw new IllegalArgumentException("the plan has " + specs.size() + " steps, more than this node's limit of "
          + limits.maxTransforms());
    }
    long width = -1;
    long height = -1;
    for (int i = 0; i < specs.size(); i++) {
      TransformSpec spec = specs.get(i);
      String step = "step " + i + " (" + (spec == null ? "null" : spec.getClass().getSimpleName()) + ")";
      switch (spec) {
        case null -> throw new IllegalArgumentException(step + " is missing");
        case RandomResizedCrop c -> { width = side(c.width(), step, limits); height = side(c.height(), step, limits); }
        case Resize r -> { width = side(r.width(), step, limits); height = side(r.height(), step, limits); }
        case CenterCrop c -> { width = side(c.width(), step, limits); height = side(c.height(), step, limits); }
        case RandomCrop c -> { width = side(c.width(), step, limits); height = side(c.height(), step, limits); }
        case ResizeShorter r -> { side(r.size(), step, limits); width = -1; height = -1; }
        case Pad p -> {
          side(p.left(), step, limits);
          side(p.top(), step, limits);
          side(p.right(), step, limits);
          side(p.bottom(), step, limits);
          if (width > 0) {
            width = side(width + p.left() + p.right(), step + " output", limits);
            height = side(height + p.top() + p.bottom(), step + " output", limits);
          }
        }
        case RandomIoUCrop c -> {
          if (c.trials() > limits.maxIoUTrials()) {
            throw new IllegalArgumentException(step + ": " + c.trials() + " trials, more than this node's limit of "
                + limits.maxIoUTrials());
          }
          if (c.minIoUs().size() > limits.maxIoUThresholds()) {
            throw new IllegalArgumentException(step + ": " + c.minIoUs().size()
                + " IoU thresholds, more than this node's limit of " + limits.maxIoUThresholds());
          }
          width = -1;
          height = -1;
        }
        case GaussianBlur b -> {
          if (b.kernelSize() > limits.maxBlurKernel()) {
            throw new IllegalArgumentException(step + ": a kernel of " + b.kernelSize() + " taps, more than this "
                + "node's limit of " + limits.maxBlurKernel());
          }
        }
        case RandAugment a -> {
          if (a.numOps() > limits.maxAugmentOps()) {
            throw new IllegalArgumentException(step + ": " + a.numOps() + " operations per sample, more than this "
                + "node's limit of " + limits.maxAugmentOps());
          }
        }
        case ZoomOut z -> {
          if (width > 0) {
            width = side((long) Math.ceil(width * z.maxRatio()), step + " canvas", limits);
            height = side((long) Math.ceil(height * z.maxRatio()), step + " canvas", limits);
          }
        }
        case Custom c -> throw new IllegalArgumentException(step + ": a Custom step runs only in the client's JVM");
        default -> { }
      }
      if (width > 0 && width * height > limits.maxOutputPixels()) {
        throw new IllegalArgumentException(step + ": an output of " + width + "x" + height + " pixels, more than this"
            + " node's limit of " + limits.maxOutputPixels());
      }
    }
  }

  private static long side(long value, String step, DataNodeConfig.Limits limits) {
    if (value > limits.maxOutputSide()) {
      throw new IllegalArgumentException(step + ": a size of " + value + ", more than this node's limit of "
          + limits.maxOutputSide());
    }
    return value;
  }
}
