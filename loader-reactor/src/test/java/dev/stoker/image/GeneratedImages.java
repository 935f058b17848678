package dev.stoker.image;

import dev.stoker.api.ImageBuffer;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** Small images made in memory with javax.imageio for the image tests, and pixel comparisons. */
final class GeneratedImages {
  private GeneratedImages() {}

  /** Smooth gradients with a few hard-edged shapes, so crops and flips are visible in the pixels. */
  static BufferedImage scene(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int r = 255 * x / Math.max(1, width - 1);
        int g = 255 * y / Math.max(1, height - 1);
        int b = (int) (128 + 90 * Math.sin((x + 2 * y) / 11.0));
        image.setRGB(x, y, r << 16 | g << 8 | b);
      }
    }
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(width / 8, height / 6, width / 5, height / 4);
    g.setColor(new Color(20, 40, 160));
    g.fillOval(width / 2, height / 2, width / 3, height / 3);
    g.dispose();
    return image;
  }

  /** Independent random RGB pixels: no symmetry, so any misplaced pixel shows. */
  static BufferedImage noise(int width, int height, long seed) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    SplittableRandom random = new SplittableRandom(seed);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    return image;
  }

  /** A gray-scale image. */
  static BufferedImage gray(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int v = (x * 7 + y * 3) & 0xFF;
        image.getRaster().setSample(x, y, 0, v);
      }
    }
    return image;
  }

  /** A lossless PNG. */
  static ByteBuffer png(BufferedImage image) {
    return encode(image, "png");
  }

  /** A baseline JPEG at quality 0.95. */
  static ByteBuffer jpeg(BufferedImage image) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(0.95f);
      writer.setOutput(out);
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return ByteBuffer.wrap(bytes.toByteArray());
  }

  private static ByteBuffer encode(BufferedImage image, String format) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, bytes)) {
        throw new IllegalStateException("no writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ByteBuffer.wrap(bytes.toByteArray());
  }

  /** The image's pixels as packed RGB bytes. */
  static byte[] rgb(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    byte[] out = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int argb = image.getRGB(x, y);
        int o = (y * w + x) * 3;
        out[o] = (byte) (argb >> 16);
        out[o + 1] = (byte) (argb >> 8);
        out[o + 2] = (byte) argb;
      }
    }
    return out;
  }

  static byte[] bytes(ImageBuffer buffer) {
    return buffer.pixels().toArray(ValueLayout.JAVA_BYTE);
  }

  static byte[] bytes(MemorySegment segment) {
    return segment.toArray(ValueLayout.JAVA_BYTE);
  }

  /** The mean absolute difference of two equally long byte arrays, as unsigned values. */
  static double meanAbsDiff(byte[] a, byte[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(a.length + " vs " + b.length + " bytes");
    }
    long sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += Math.abs((a[i] & 0xFF) - (b[i] & 0xFF));
    }
    return (double) sum / a.length;
  }

  /** Pixel {@code (x, y)} of a packed RGB image {@code width} pixels wide, as {@code 0xRRGGBB}. */
  static int pixel(byte[] rgb, int width, int x, int y) {
    int o = (y * width + x) * 3;
    return (rgb[o] & 0xFF) << 16 | (rgb[o + 1] & 0xFF) << 8 | (rgb[o + 2] & 0xFF);
  }

  /** Packed RGB rows {@code y0..y0+h-1}, columns {@code x0..x0+w-1} of a {@code width}-wide image. */
  static byte[] crop(byte[] rgb, int width, int x0, int y0, int w, int h) {
    byte[] out = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      System.arraycopy(rgb, ((y0 + y) * width + x0) * 3, out, y * w * 3, w * 3);
    }
    return out;
  }
}
