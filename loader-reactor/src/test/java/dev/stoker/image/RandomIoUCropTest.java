package dev.stoker.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.stoker.api.TransformSpec.RandomIoUCrop;
import dev.stoker.api.TransformSpec.Resize;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The SSD crop: the IoU threshold, the centre rule, the whole-image option, box-less samples. */
class RandomIoUCropTest {
  private static final int W = 300;
  private static final int H = 200;
  private static final int SEEDS = 300;
  /** Six boxes, 20 to 120 pixels a side, spread over the image. */
  private static final float[] BOXES = {
      10, 10, 60, 50,
      100, 40, 220, 150,
      230, 120, 290, 190,
      30, 120, 90, 180,
      140, 5, 170, 35,
      180, 160, 200, 195};

  private static TransformPlan plan(double... minIoUs) {
    List<Double> thresholds = new ArrayList<>();
    for (double t : minIoUs) {
      thresholds.add(t);
    }
    return TransformPlan.compile(List.of(new RandomIoUCrop(0.3, 1.0, 0.5, 2.0, thresholds, 50), new Resize(W, H)));
  }

  private static double[] box(int i) {
    return new double[] {BOXES[4 * i], BOXES[4 * i + 1], BOXES[4 * i + 2], BOXES[4 * i + 3]};
  }

  @Test
  void geometry_withBoxes_keepsABoxOverTheThresholdAndDropsBoxesWhoseCentresAreOutside() {
    TransformPlan plan = plan(0.5);
    BoxSet boxes = new BoxSet();
    float[] out = new float[BOXES.length];
    int[] kept = new int[BOXES.length / 4];
    int crops = 0;
    for (long seed = 0; seed < SEEDS; seed++) {
      boxes.load(BOXES, BOXES.length / 4);
      CropGeometry g = plan.geometry(W, H, new SplittableRandom(seed), boxes);
      int n = boxes.finish(g.outWidth(), g.outHeight(), out, kept);

      // after the crop comes Resize(W, H): the geometry's rectangle is the crop, in source pixels
      double left = g.x();
      double top = g.y();
      double right = g.x() + g.width();
      double bottom = g.y() + g.height();
      boolean cropped = g.width() < W || g.height() < H;
      crops += cropped ? 1 : 0;
      List<Integer> expected = new ArrayList<>();
      double best = 0;
      for (int i = 0; i < BOXES.length / 4; i++) {
        double[] b = box(i);
        double cx = (b[0] + b[2]) / 2;
        double cy = (b[1] + b[3]) / 2;
        if (!cropped || left < cx && cx < right && top < cy && cy < bottom) {
          expected.add(i);
          best = Math.max(best, IoUCropSampler.iou(b[0], b[1], b[2], b[3], left, top, right, bottom));
        }
      }
      List<Integer> actual = new ArrayList<>();
      for (int k = 0; k < n; k++) {
        actual.add(kept[k]);
      }
      assertThat(actual).as("seed %d, crop %s", seed, g).isEqualTo(expected);
      if (cropped) {
        assertThat(best).as("seed %d: best IoU of a kept box with the crop", seed).isGreaterThanOrEqualTo(0.5);
        // each kept box is its source box clipped to the crop, then scaled by Resize
        for (int k = 0; k < n; k++) {
          double[] b = box(kept[k]);
          double sx = W / g.width();
          double sy = H / g.height();
          assertThat(out[4 * k]).isCloseTo((float) ((Math.max(b[0], left) - left) * sx), within(1e-3f));
          assertThat(out[4 * k + 3]).isCloseTo((float) ((Math.min(b[3], bottom) - top) * sy), within(1e-3f));
        }
      }
    }
    assertThat(crops).as("samples that were cropped").isGreaterThan(SEEDS / 2);
  }

  @Test
  void geometry_thresholdAboveOne_keepsTheWholeImageAndEveryBox() {
    TransformPlan plan = plan(2.0);
    BoxSet boxes = new BoxSet();
    for (long seed = 0; seed < 50; seed++) {
      boxes.load(BOXES, BOXES.length / 4);

      CropGeometry g = plan.geometry(W, H, new SplittableRandom(seed), boxes);

      assertThat(g).isEqualTo(new CropGeometry(0, 0, W, H, W, H, false));
      assertThat(boxes.count()).isEqualTo(BOXES.length / 4);
    }
  }

  @Test
  void geometry_noBoxes_acceptsTheFirstCropThatFitsWithinTheScaleAndRatioBounds() {
    // a threshold no crop of these boxes could meet; without boxes it does not apply
    TransformPlan plan = plan(0.99);
    int crops = 0;
    for (long seed = 0; seed < SEEDS; seed++) {
      CropGeometry g = plan.geometry(W, H, new SplittableRandom(seed));
      double scale = g.width() * g.height() / (W * H);
      double ratio = g.width() / g.height();

      assertThat(g.x()).isGreaterThanOrEqualTo(0);
      assertThat(g.x() + g.width()).isLessThanOrEqualTo(W);
      assertThat(g.y() + g.height()).isLessThanOrEqualTo(H);
      // whole-pixel sides: a little off the drawn area and ratio
      assertThat(scale).isBetween(0.3 * 0.97, 1.0);
      assertThat(ratio).isBetween(0.5 * 0.97, 2.0 * 1.03);
      crops += g.width() < W || g.height() < H ? 1 : 0;
    }
    assertThat(crops).isGreaterThan(SEEDS * 9 / 10);
  }

  @Test
  void iou_knownRectangles_giveKnownValues() {
    assertThat(IoUCropSampler.iou(0, 0, 10, 10, 0, 0, 10, 10)).isEqualTo(1.0);
    assertThat(IoUCropSampler.iou(0, 0, 10, 10, 10, 0, 20, 10)).isEqualTo(0.0);
    assertThat(IoUCropSampler.iou(0, 0, 10, 10, 5, 0, 15, 10)).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(IoUCropSampler.iou(0, 0, 10, 10, 0, 0, 20, 20)).isCloseTo(0.25, within(1e-12));
  }
}
