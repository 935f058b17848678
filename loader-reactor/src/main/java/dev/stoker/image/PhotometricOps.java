package dev.stoker.image;

import dev.stoker.api.TransformSpec.ColorJitter;
import dev.stoker.api.TransformSpec.Grayscale;
import java.util.SplittableRandom;

/**
 * The pixel math of the photometric steps ({@link ColorJitter}, {@link Grayscale}, and the
 * adjustments {@code PhotometricDistort} shares), run in place on a packed RGB output after
 * resampling; {@link OutputSteps} runs the steps in the order written. They change each pixel on its own (contrast also reads the
 * image's mean gray), so running them on the output instead of the source gives the same result
 * as torchvision's order up to rounding, on the fewest pixels.
 *
 * <p>Random numbers are drawn from the sample's generator, after the geometry's. A jitter of all
 * zeros draws nothing ({@link OutputSteps} does not call it), so the bytes and every later draw are
 * as without it.
 *
 * <p>Math: gray is the ITU-R 601-2 luma {@code 0.299 R + 0.587 G + 0.114 B} in 16-bit fixed point
 * (weights 19595, 38470, 7471, summing to 65536, so white stays 255), rounded. Brightness and
 * contrast are affine maps of each channel, applied through a 256-entry table; saturation blends
 * each channel with its pixel's gray in float; hue rotates the exact HSV hue: a rotation keeps a
 * pixel's largest and smallest channels, so only the sector and the middle channel are
 * recomputed, with no division by 255. Every result is rounded to the nearest level and clamped
 * (torchvision truncates instead, so its uint8 results can be one level lower).
 *
 * <p>Not thread-safe; one per worker thread. It keeps its table scratch between calls, so steady
 * state allocates nothing.
 *
 * <pre>{@code
 * new PhotometricOps().colorJitter(new ColorJitter(0.4, 0.4, 0.4, 0.1), random, pixels, pixels.length);
 * }</pre>
 */
final class PhotometricOps {
  private static final int LUMA_R = 19595;
  private static final int LUMA_G = 38470;
  private static final int LUMA_B = 7471;
  private static final int LUMA_ROUND = 1 << 15;
  private static final int LUMA_SHIFT = 16;
  /** {@code 1 / c} for every chroma 1..255, so the hue pass multiplies instead of dividing. */
  private static final float[] RECIPROCAL = new float[256];

  static {
    for (int c = 1; c < 256; c++) {
      RECIPROCAL[c] = 1.0f / c;
    }
  }

  private final int[] order = new int[4];
  private final byte[] table = new byte[256];

  /**
   * torchvision's {@code ColorJitter.get_params} and {@code forward}: a random order of the four
   * adjustments, then one factor per enabled adjustment, then the adjustments in that order.
   */
  void colorJitter(ColorJitter j, SplittableRandom random, byte[] px, int len) {
    for (int i = 0; i < 4; i++) {
      order[i] = i;
    }
    for (int i = 3; i > 0; i--) {
      int k = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[k];
      order[k] = t;
    }
    double brightness = j.brightness() > 0 ? factor(random, j.brightness()) : 1;
    double contrast = j.contrast() > 0 ? factor(random, j.contrast()) : 1;
    double saturation = j.saturation() > 0 ? factor(random, j.saturation()) : 1;
    double hue = j.hue() > 0 ? -j.hue() + 2 * j.hue() * random.nextDouble() : 0;
    for (int step : order) {
      switch (step) {
        case 0 -> brightness(px, len, brightness);
        case 1 -> contrast(px, len, contrast);
        case 2 -> saturation(px, len, saturation);
        default -> hue(px, len, hue);
      }
    }
  }

  /** Uniform in {@code [max(0, 1 - amount), 1 + amount]}. */
  private static double factor(SplittableRandom random, double amount) {
    double min = Math.max(0, 1 - amount);
    double max = 1 + amount;
    return min + (max - min) * random.nextDouble();
  }

  /** The rounded ITU-R 601-2 luma of one pixel. */
  static int luma(int r, int g, int b) {
    return (r * LUMA_R + g * LUMA_G + b * LUMA_B + LUMA_ROUND) >>> LUMA_SHIFT;
  }

  /** Replaces every pixel of {@code px[0, len)} with its luma in all three channels. */
  static void grayscale(byte[] px, int len) {
    for (int i = 0; i < len; i += 3) {
      byte gray = (byte) luma(px[i] & 0xFF, px[i + 1] & 0xFF, px[i + 2] & 0xFF);
      px[i] = gray;
      px[i + 1] = gray;
      px[i + 2] = gray;
    }
  }

  /** The mean luma of the pixels of {@code px[0, len)}. */
  static double meanGray(byte[] px, int len) {
    long sum = 0;
    for (int i = 0; i < len; i += 3) {
      sum += luma(px[i] & 0xFF, px[i + 1] & 0xFF, px[i + 2] & 0xFF);
    }
    return len == 0 ? 0 : (double) sum / (len / 3);
  }

  /** Multiplies every channel by {@code factor}. */
  void brightness(byte[] px, int len, double factor) {
    if (factor != 1) {
      affine(px, len, factor, 0);
    }
  }

  /** Blends every channel with the image's mean gray: {@code factor * v + (1 - factor) * mean}. */
  void contrast(byte[] px, int len, double factor) {
    if (factor != 1) {
      affine(px, len, factor, (1 - factor) * meanGray(px, len));
    }
  }

  /** {@code v -> clamp(round(scale * v + offset))} on every byte, through the 256-entry table. */
  private void affine(byte[] px, int len, double scale, double offset) {
    byte[] lut = table;
    for (int v = 0; v < 256; v++) {
      lut[v] = (byte) clamp(Math.floor(scale * v + offset + 0.5));
    }
    for (int i = 0; i < len; i++) {
      px[i] = lut[px[i] & 0xFF];
    }
  }

  /**
   * Blends every channel with its pixel's gray: {@code factor * v + (1 - factor) * gray}; 0 gives
   * the grayscale image, 1 the image unchanged.
   */
  static void saturation(byte[] px, int len, double factor) {
    if (factor == 1) {
      return;
    }
    float f = (float) factor;
    float keep = 1 - f;
    for (int i = 0; i < len; i += 3) {
      int r = px[i] & 0xFF;
      int g = px[i + 1] & 0xFF;
      int b = px[i + 2] & 0xFF;
      float base = keep * luma(r, g, b) + 0.5f;
      px[i] = (byte) clamp(f * r + base);
      px[i + 1] = (byte) clamp(f * g + base);
      px[i + 2] = (byte) clamp(f * b + base);
    }
  }

  /**
   * Rotates every pixel's HSV hue by {@code shift} turns (torchvision's {@code adjust_hue}),
   * keeping its value (largest channel) and saturation (so also its smallest channel).
   */
  static void hue(byte[] px, int len, double shift) {
    if (shift == 0) {
      return;
    }
    float sectors = (float) (shift * 6);
    for (int i = 0; i < len; i += 3) {
      int r = px[i] & 0xFF;
      int g = px[i + 1] & 0xFF;
      int b = px[i + 2] & 0xFF;
      int max = Math.max(r, Math.max(g, b));
      int min = Math.min(r, Math.min(g, b));
      if (max == min) {
        continue;
      }
      float chroma = max - min;
      float inverse = RECIPROCAL[max - min];
      // hue in sixths of a turn, in [-1, 5); the shift is within [-3, 3], one wrap brings it to [0, 6]
      float h;
      if (max == r) {
        h = (g - b) * inverse;
      } else if (max == g) {
        h = 2 + (b - r) * inverse;
      } else {
        h = 4 + (r - g) * inverse;
      }
      h += sectors;
      if (h < 0) {
        h += 6;
      } else if (h >= 6) {
        h -= 6;
      }
      int sector = (int) h;
      float f = h - sector;
      int rising = (int) (min + chroma * f + 0.5f);
      int falling = (int) (max - chroma * f + 0.5f);
      switch (sector) {
        case 1 -> { r = falling; g = max; b = min; }
        case 2 -> { r = min; g = max; b = rising; }
        case 3 -> { r = min; g = falling; b = max; }
        case 4 -> { r = rising; g = min; b = max; }
        case 5 -> { r = max; g = min; b = falling; }
        default -> { r = max; g = rising; b = min; } // 0, or 6 when rounding lands on a full turn
      }
      px[i] = (byte) r;
      px[i + 1] = (byte) g;
      px[i + 2] = (byte) b;
    }
  }

  private static int clamp(double v) {
    return v <= 0 ? 0 : v >= 255 ? 255 : (int) v;
  }

  private static int clamp(float v) {
    return v <= 0 ? 0 : v >= 255 ? 255 : (int) v;
  }
}
