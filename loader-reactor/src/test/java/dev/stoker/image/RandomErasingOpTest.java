package dev.stoker.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.TransformSpec.RandomErasing;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** RandomErasing: one rectangle of bounded area and ratio, inside the image, nothing else touched. */
class RandomErasingOpTest {
  private static final int W = 64;
  private static final int H = 40;

  /** A non-symmetric image with no byte of 255, so an erasure with 255 shows exactly. */
  private static byte[] image() {
    byte[] px = new byte[W * H * 3];
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        int o = (y * W + x) * 3;
        px[o] = (byte) (x * 3);
        px[o + 1] = (byte) (y * 5);
        px[o + 2] = (byte) ((x * 7 + y * 11) % 250);
      }
    }
    return px;
  }

  /** {@code {left, top, right, bottom}} (exclusive) of the bytes that differ, or null if none. */
  private static int[] changed(byte[] before, byte[] after) {
    int[] r = null;
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        int o = (y * W + x) * 3;
        if (before[o] != after[o] || before[o + 1] != after[o + 1] || before[o + 2] != after[o + 2]) {
          r = r == null ? new int[] {x, y, x + 1, y + 1}
              : new int[] {Math.min(r[0], x), Math.min(r[1], y), Math.max(r[2], x + 1), Math.max(r[3], y + 1)};
        }
      }
    }
    return r;
  }

  private static boolean run(byte[] px, RandomErasing spec, SplittableRandom random) {
    return RandomErasingOp.coin(spec, random) && RandomErasingOp.erase(px, W, H, spec, random);
  }

  @Test
  void erase_manySeeds_oneFilledRectangleOfBoundedAreaAndRatioInside() {
    RandomErasing spec = new RandomErasing(1.0, 0.05, 0.2, 0.5, 2.0, 255);
    int erased = 0;
    for (long seed = 0; seed < 200; seed++) {
      byte[] before = image();
      byte[] px = before.clone();

      boolean did = run(px, spec, new SplittableRandom(seed));

      int[] r = changed(before, px);
      assertThat(r != null).as("seed %d: erased iff reported", seed).isEqualTo(did);
      if (r == null) {
        continue;
      }
      erased++;
      int w = r[2] - r[0];
      int h = r[3] - r[1];
      for (int y = r[1]; y < r[3]; y++) {
        for (int x = r[0]; x < r[2]; x++) {
          for (int c = 0; c < 3; c++) {
            assertThat(px[(y * W + x) * 3 + c] & 0xFF).as("seed %d (%d,%d)", seed, x, y).isEqualTo(255);
          }
        }
      }
      double area = (double) W * H;
      // sides are the rounded square roots: the area and ratio bounds hold up to half a pixel per side
      assertThat((w + 0.5) * (h + 0.5)).as("seed %d area", seed).isGreaterThanOrEqualTo(0.05 * area);
      assertThat((w - 0.5) * (h - 0.5)).as("seed %d area", seed).isLessThanOrEqualTo(0.2 * area);
      assertThat((h + 0.5) / (w - 0.5)).as("seed %d height/width", seed).isGreaterThanOrEqualTo(0.5);
      assertThat((h - 0.5) / (w + 0.5)).as("seed %d height/width", seed).isLessThanOrEqualTo(2.0);
      assertThat(w).isLessThan(W);
      assertThat(h).isLessThan(H);
    }
    assertThat(erased).as("with p 1 and a small scale every attempt fits").isEqualTo(200);
  }

  @Test
  void erase_drawsAsTorchvision_exactRectangle() {
    RandomErasing spec = new RandomErasing(1.0, 0.05, 0.3, 0.3, 3.3, 255);
    for (long seed = 0; seed < 50; seed++) {
      SplittableRandom replay = new SplittableRandom(seed);
      replay.nextDouble(); // the coin
      int h;
      int w;
      do {
        double area = W * H * (0.05 + 0.25 * replay.nextDouble());
        double ratio = Math.exp(Math.log(0.3) + (Math.log(3.3) - Math.log(0.3)) * replay.nextDouble());
        h = (int) Math.rint(Math.sqrt(area * ratio));
        w = (int) Math.rint(Math.sqrt(area / ratio));
      } while (!(h < H && w < W));
      int top = replay.nextInt(H - h + 1);
      int left = replay.nextInt(W - w + 1);
      byte[] before = image();
      byte[] px = before.clone();
      SplittableRandom random = new SplittableRandom(seed);

      run(px, spec, random);

      assertThat(changed(before, px)).as("seed %d", seed).containsExactly(left, top, left + w, top + h);
      assertThat(random.nextLong()).isEqualTo(replay.nextLong());
    }
  }

  @Test
  void erase_manySeeds_positionsCoverTheImage() {
    RandomErasing spec = new RandomErasing(1.0, 0.02, 0.02, 1.0, 1.0, 255);
    Set<Integer> lefts = new HashSet<>();
    Set<Integer> tops = new HashSet<>();
    for (long seed = 0; seed < 300; seed++) {
      byte[] before = image();
      byte[] px = before.clone();
      run(px, spec, new SplittableRandom(seed));
      int[] r = changed(before, px);
      lefts.add(r[0]);
      tops.add(r[1]);
      assertThat(r[2] - r[0]).isEqualTo(7); // rint(sqrt(0.02 * 2560)) = rint(7.16)
      assertThat(r[3] - r[1]).isEqualTo(7);
    }
    assertThat(lefts).contains(0, W - 7).hasSizeGreaterThan(40);
    assertThat(tops).contains(0, H - 7).hasSizeGreaterThan(25);
  }

  @Test
  void erase_halfProbability_erasesAboutHalfTheSamples() {
    RandomErasing spec = new RandomErasing(0.5);
    int erased = 0;
    for (long seed = 0; seed < 400; seed++) {
      byte[] px = image();
      if (run(px, spec, new SplittableRandom(seed))) {
        erased++;
      }
    }
    assertThat(erased).isBetween(160, 240);
  }

  @Test
  void erase_noise_sameRectangleAsAGrayValueAndVariedValuesInside() {
    for (long seed = 0; seed < 20; seed++) {
      byte[] before = image();
      byte[] gray = before.clone();
      byte[] noise = before.clone();
      run(gray, new RandomErasing(1.0, 0.1, 0.3, 0.3, 3.3, 255), new SplittableRandom(seed));
      run(noise, new RandomErasing(1.0, 0.1, 0.3, 0.3, 3.3, -1), new SplittableRandom(seed));
      int[] r = changed(before, gray);

      Set<Integer> values = new HashSet<>();
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          boolean inside = x >= r[0] && x < r[2] && y >= r[1] && y < r[3];
          for (int c = 0; c < 3; c++) {
            int o = (y * W + x) * 3 + c;
            if (inside) {
              values.add(noise[o] & 0xFF);
            } else {
              assertThat(noise[o]).as("seed %d outside (%d,%d)", seed, x, y).isEqualTo(before[o]);
            }
          }
        }
      }
      assertThat(values).as("seed %d", seed).hasSizeGreaterThan(100);
    }
  }

  @Test
  void coin_probabilityZero_drawsNothingAndErasesNothing() {
    SplittableRandom random = new SplittableRandom(4);
    byte[] px = image();

    assertThat(run(px, new RandomErasing(0.0), random)).isFalse();

    assertThat(px).isEqualTo(image());
    assertThat(random.nextLong()).isEqualTo(new SplittableRandom(4).nextLong());
  }

  @Test
  void erase_scaleTooLargeForEveryAttempt_erasesNothing() {
    // an area of the whole image never fits strictly inside it
    byte[] px = image();

    assertThat(run(px, new RandomErasing(1.0, 1.0, 1.0, 1.0, 1.0, 255), new SplittableRandom(1))).isFalse();
    assertThat(px).isEqualTo(image());
  }
}
