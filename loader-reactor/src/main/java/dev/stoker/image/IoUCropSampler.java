package dev.stoker.image;

import dev.stoker.api.Region;
import dev.stoker.api.TransformSpec.RandomIoUCrop;
import java.util.SplittableRandom;

/**
 * Draws the crop of a {@link RandomIoUCrop} (the SSD sampler) on a {@code width x height} canvas
 * holding {@code boxes}, in canvas pixels.
 *
 * <p>Draws, in order: the IoU threshold (uniformly among {@code minIoUs}); a threshold above 1
 * keeps the whole canvas. Then, for each of up to {@code trials} attempts: the area fraction
 * (uniform in {@code [minScale, maxScale]}) and the aspect ratio (log-uniform in
 * {@code [minRatio, maxRatio]}), which give whole-pixel sides; an attempt whose sides do not fit in
 * the canvas stops there, else the left and top edges are drawn uniformly among the whole-pixel
 * positions that fit. The first fitting crop is accepted when there are no boxes; with boxes it is
 * accepted when some box centre lies strictly inside it and, among the boxes whose centres do,
 * the largest IoU with the crop is at least the threshold. If no attempt is accepted the whole
 * canvas is kept.
 */
final class IoUCropSampler {
  private IoUCropSampler() {}

  /**
   * The accepted crop in canvas pixels, or {@code null} to keep the whole canvas.
   *
   * @param boxes the boxes on the canvas, or {@code null} for none
   */
  static Region sample(RandomIoUCrop spec, int width, int height, BoxSet boxes, SplittableRandom random) {
    double threshold = spec.minIoUs().get(random.nextInt(spec.minIoUs().size()));
    if (threshold > 1) {
      return null;
    }
    double area = (double) width * height;
    double logMin = Math.log(spec.minRatio());
    double logMax = Math.log(spec.maxRatio());
    for (int trial = 0; trial < spec.trials(); trial++) {
      double target = area * uniform(random, spec.minScale(), spec.maxScale());
      double ratio = Math.exp(uniform(random, logMin, logMax));
      long cw = Math.round(Math.sqrt(target * ratio));
      long ch = Math.round(Math.sqrt(target / ratio));
      if (cw < 1 || ch < 1 || cw > width || ch > height) {
        continue;
      }
      int left = random.nextInt(width - (int) cw + 1);
      int top = random.nextInt(height - (int) ch + 1);
      if (accepts(boxes, left, top, left + cw, top + ch, threshold)) {
        return new Region(left, top, (int) cw, (int) ch);
      }
    }
    return null;
  }

  /** Whether a crop passes: no boxes, or a box centre inside and such a box with IoU >= threshold. */
  static boolean accepts(BoxSet boxes, double left, double top, double right, double bottom, double threshold) {
    if (boxes == null || boxes.count() == 0) {
      return true;
    }
    boolean anyCentre = false;
    double best = -1;
    for (int i = 0; i < boxes.count(); i++) {
      double cx = (boxes.x0(i) + boxes.x1(i)) / 2;
      double cy = (boxes.y0(i) + boxes.y1(i)) / 2;
      if (left < cx && cx < right && top < cy && cy < bottom) {
        anyCentre = true;
        best = Math.max(best, iou(boxes.x0(i), boxes.y0(i), boxes.x1(i), boxes.y1(i), left, top, right, bottom));
      }
    }
    return anyCentre && best >= threshold;
  }

  /** Intersection over union of two rectangles given by their corners. */
  static double iou(double ax0, double ay0, double ax1, double ay1, double bx0, double by0, double bx1, double by1) {
    double iw = Math.min(ax1, bx1) - Math.max(ax0, bx0);
    double ih = Math.min(ay1, by1) - Math.max(ay0, by0);
    if (iw <= 0 || ih <= 0) {
      return 0;
    }
    double inter = iw * ih;
    double union = (ax1 - ax0) * (ay1 - ay0) + (bx1 - bx0) * (by1 - by0) - inter;
    return union > 0 ? inter / union : 0;
  }

  private static double uniform(SplittableRandom random, double min, double max) {
    return min == max ? min : min + (max - min) * random.nextDouble();
  }
}
