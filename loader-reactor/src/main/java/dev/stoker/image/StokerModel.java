package dev.stoker.image;

import dev.stoker.api.Region;
import dev.stoker.api.TransformSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One sample of Stoker's cost, as {@link SampleProcessor} and {@link GeometryRenderer} run it: the
 * plan's folded geometry, the region it shows decoded at the largest DCT scale (1/8, 1/4, 1/2)
 * that keeps the output's resolution, one resample (or a bilinear warp for a rotation) into the
 * output, then the output steps on the output's pixels.
 */
final class StokerModel {
  private static final int[] SCALES = {8, 4, 2, 1};

  private StokerModel() {}

  static void draw(TransformPlan plan, int width, int height, AugmentationCosts c, SplittableRandom random,
      AugmentationPlan.Means means) {
    means.start();
    List<TransformSpec> specs = plan.specs();
    CropGeometry g = plan.geometry(width, height, random);
    double out = (double) g.outWidth() * g.outHeight();
    Region region;
    int minWidth;
    int minHeight;
    boolean warp = false;
    if (!g.rotated() && !g.fills()) {
      region = AugmentationPlan.enclosing(g.x(), g.y(), g.width(), g.height(), width, height);
      minWidth = clamp((int) Math.ceil(g.outWidth() * region.width() / g.width()), 1, region.width());
      minHeight = clamp((int) Math.ceil(g.outHeight() * region.height() / g.height()), 1, region.height());
    } else {
      Affine toSource = g.outputToSource();
      double x0 = Double.MAX_VALUE;
      double y0 = Double.MAX_VALUE;
      double x1 = -Double.MAX_VALUE;
      double y1 = -Double.MAX_VALUE;
      for (int corner = 0; corner < 4; corner++) {
        double ox = (corner & 1) == 0 ? 0 : g.outWidth();
        double oy = (corner & 2) == 0 ? 0 : g.outHeight();
        double sx = toSource.x(ox, oy);
        double sy = toSource.y(ox, oy);
        x0 = Math.min(x0, sx);
        y0 = Math.min(y0, sy);
        x1 = Math.max(x1, sx);
        y1 = Math.max(y1, sy);
      }
      region = AugmentationPlan.enclosing(x0 - 1, y0 - 1, x1 - x0 + 2, y1 - y0 + 2, width, height);
      double step = Math.min(toSource.stepX(), toSource.stepY());
      minWidth = clamp((int) Math.ceil(region.width() / step), 1, region.width());
      minHeight = clamp((int) Math.ceil(region.height() / step), 1, region.height());
      warp = !toSource.axisAligned() && !toSource.transposing();
    }
    int scale = 1;
    for (int s : SCALES) {
      if (region.width() >= (long) minWidth * s && region.height() >= (long) minHeight * s) {
        scale = s;
        break;
      }
    }
    int decodedWidth = (region.width() + scale / 2) / scale;
    int decodedHeight = (region.height() + scale / 2) / scale;
    double decoded = (double) decodedWidth * decodedHeight;
    int rowsRead = region.y() + region.height();
    means.add(List.of(), "decode region " + (scale == 1 ? "at full scale" : "at 1/" + scale + " DCT scale"),
        region.width(), region.height(), decodedWidth, decodedHeight, (double) width * rowsRead, decoded,
        c.decodeNanos(width, rowsRead, decoded));
    List<Integer> geometric = new ArrayList<>();
    List<Integer> output = new ArrayList<>();
    int normalize = -1;
    for (int i = 0; i < specs.size(); i++) {
      switch (AugmentationPlan.kindOf(specs.get(i))) {
        case GEOMETRY -> geometric.add(i);
        case OUTPUT -> output.add(i);
        case NORMALIZE -> normalize = i;
      }
    }
    means.add(geometric, warp ? "folded into one map: bilinear warp into the output"
            : "folded into one map: one resample into the output", decodedWidth, decodedHeight, g.outWidth(),
        g.outHeight(), decoded, out, warp ? out * c.warp() : decoded * c.resampleIn() + out * c.resampleOut());
    for (int k = 0; k < output.size(); k++) {
      int i = output.get(k);
      double copies = k == 0 ? 2 * c.copy() : 0;   // one copy in and out for the run of output steps
      means.add(List.of(i), "on the output", g.outWidth(), g.outHeight(), g.outWidth(), g.outHeight(), out, out,
          out * (NaiveModel.outputCost(specs.get(i), c) + copies));
    }
    if (normalize >= 0) {
      means.add(List.of(normalize), "to float32", g.outWidth(), g.outHeight(), g.outWidth(), g.outHeight(), out, out,
          out * c.normalize());
    }
  }

  private static int clamp(int v, int min, int max) {
    return Math.max(min, Math.min(max, v));
  }
}
