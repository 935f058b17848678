package dev.stoker.image;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Non-symmetric RGB test images for the AutoAugment tests, and pixel access. */
final class AutoAugmentFixtures {
  private AutoAugmentFixtures() {}

  /**
   * A {@code width x height} image whose every pixel differs from every other (for sizes up to
   * 16 x 16): red {@code 16 x + 1}, green {@code 16 y + 2}, blue {@code (37 x + 11 y) mod 256}.
   */
  static byte[] gradient(int width, int height) {
    byte[] rgb = new byte[width * height * 3];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int i = (y * width + x) * 3;
        rgb[i] = (byte) (16 * x + 1);
        rgb[i + 1] = (byte) (16 * y + 2);
        rgb[i + 2] = (byte) ((37 * x + 11 * y) & 0xFF);
      }
    }
    return rgb;
  }

  static MemorySegment segment(byte[] rgb) {
    MemorySegment image = Arena.ofAuto().allocate(rgb.length);
    MemorySegment.copy(rgb, 0, image, ValueLayout.JAVA_BYTE, 0, rgb.length);
    return image;
  }

  static byte[] bytes(MemorySegment image) {
    return image.toArray(ValueLayout.JAVA_BYTE);
  }

  /** Channel {@code c} of pixel {@code (x, y)}, 0 to 255. */
  static int at(byte[] rgb, int width, int x, int y, int c) {
    return rgb[(y * width + x) * 3 + c] & 0xFF;
  }

  /** Pixel {@code (x, y)} as {@code 0xRRGGBB}. */
  static int pixel(byte[] rgb, int width, int x, int y) {
    int i = (y * width + x) * 3;
    return (rgb[i] & 0xFF) << 16 | (rgb[i + 1] & 0xFF) << 8 | rgb[i + 2] & 0xFF;
  }

  /** A pixel whose three channels are {@code gray}. */
  static int gray(int gray) {
    return gray << 16 | gray << 8 | gray;
  }

  /** A box set holding {@code boxes} (groups of x0, y0, x1, y1). */
  static BoxSet boxes(float... boxes) {
    BoxSet set = new BoxSet();
    set.load(boxes, boxes.length / 4);
    return set;
  }

  /** Box {@code i} of {@code set} as {x0, y0, x1, y1}. */
  static double[] box(BoxSet set, int i) {
    return new double[] {set.x0(i), set.y0(i), set.x1(i), set.y1(i)};
  }
}
