package dev.stoker.image;

import dev.stoker.api.Region;
import dev.stoker.api.TransformSpec;
import dev.stoker.api.TransformSpec.ColorJitter;
import dev.stoker.api.TransformSpec.GaussianBlur;
import dev.stoker.api.TransformSpec.Grayscale;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One sample of the naive pipeline's cost, as {@link LiteralOrderProcessor} runs it: a full
 * decode, then each step on the image the one before produced. A geometric step draws its choices
 * on the current image ({@link TransformPlan#step}); a crop or resize copies the rows it reads
 * and resamples them, a rotation warps the whole image; an output step runs on every pixel of the
 * current image, plus its copy in and out.
 */
final class NaiveModel {
  private NaiveModel() {}

  static void draw(List<TransformSpec> specs, int width, int height, AugmentationCosts c, SplittableRandom random,
      AugmentationPlan.Means means) {
    means.start();
    double full = (double) width * height;
    means.add(List.of(), "decode the whole image", width, height, width, height, full, full,
        c.decodeNanos(width, height, full));
    int w = width;
    int h = height;
    for (int i = 0; i < specs.size(); i++) {
      TransformSpec spec = specs.get(i);
      double px = (double) w * h;
      switch (AugmentationPlan.kindOf(spec)) {
        case OUTPUT -> means.add(List.of(i), "on the image it receives", w, h, w, h, px, px,
            px * (outputCost(spec, c) + 2 * c.copy()));
        case NORMALIZE -> means.add(List.of(i), "to float32", w, h, w, h, px, px, px * c.normalize());
        case GEOMETRY -> {
          CropGeometry identity = CropGeometry.identity(w, h);
          CropGeometry g = TransformPlan.step(identity, spec, random, null);
          if (g.equals(identity)) {
            means.add(List.of(i), "on the image it receives", w, h, w, h, 0, 0, 0);
            continue;
          }
          double out = (double) g.outWidth() * g.outHeight();
          double read;
          double nanos;
          if (g.rotated()) {
            read = px;
            nanos = px * c.copy() + out * c.warp();
          } else {
            Region r = AugmentationPlan.enclosing(g.x(), g.y(), g.width(), g.height(), w, h);
            read = (double) r.width() * r.height();
            nanos = read * (c.copy() + c.resampleIn()) + out * c.resampleOut();
          }
          means.add(List.of(i), "on the image it receives", w, h, g.outWidth(), g.outHeight(), read, out, nanos);
          w = g.outWidth();
          h = g.outHeight();
        }
      }
    }
  }

  /** Per-pixel cost of an output step, weighted by its probability where it has one. */
  static double outputCost(TransformSpec spec, AugmentationCosts c) {
    return switch (spec) {
      case ColorJitter j -> j.brightness() > 0 || j.contrast() > 0 || j.saturation() > 0 || j.hue() > 0
          ? c.colorJitter() : 0;
      case Grayscale g -> g.p() * c.grayscale();
      case GaussianBlur b -> c.blur();
      default -> c.other();
    };
  }
}
