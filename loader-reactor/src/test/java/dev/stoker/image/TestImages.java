package dev.stoker.image;

import dev.stoker.api.ImageBuffer;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageOutputStream;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** Images the decoder tests make for themselves with ImageIO, and pixel comparisons. */
final class TestImages {
  private TestImages() {}

  /** A photo-like RGB image: gradients, shapes with hard edges, text and mild noise. */
  static BufferedImage photo(int width, int height, long seed) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    SplittableRandom random = new SplittableRandom(seed);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int r = 255 * x / Math.max(1, width - 1);
        int g = 255 * y / Math.max(1, height - 1);
        int b = (int) (127 + 100 * Math.sin((x + y) / 17.0));
        int n = random.nextInt(-6, 7);
        image.setRGB(x, y, clamp(r + n) << 16 | clamp(g + n) << 8 | clamp(b + n));
      }
    }
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    for (int i = 0; i < 12; i++) {
      g.setColor(new Color(random.nextInt(1 << 24)));
      int cx = random.nextInt(width);
      int cy = random.nextInt(height);
      int size = 5 + random.nextInt(Math.max(6, Math.min(width, height) / 3));
      if (i % 2 == 0) {
        g.fillOval(cx, cy, size, size);
      } else {
        g.fillRect(cx, cy, size, size / 2 + 1);
      }
    }
    g.setColor(Color.WHITE);
    g.drawString("Stoker 0123", width / 5, height / 2);
    g.dispose();
    return image;
  }

  /** Converts to another BufferedImage type by drawing. */
  static BufferedImage convert(BufferedImage image, int type) {
    BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), type);
    Graphics2D g = out.createGraphics();
    g.drawImage(image, 0, 0, null);
    g.dispose();
    return out;
  }

  /**
   * Encodes a JPEG with ImageIO.
   *
   * @param chroma444 no chroma subsampling if true, else ImageIO's default 4:2:0
   */
  static byte[] jpeg(BufferedImage image, float quality, boolean progressive, boolean chroma444) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality);
      if (progressive) {
        param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      }
      IIOMetadata metadata = writer.getDefaultImageMetadata(new ImageTypeSpecifier(image), param);
      if (chroma444) {
        Node root = metadata.getAsTree("javax_imageio_jpeg_image_1.0");
        NodeList components = ((Element) root).getElementsByTagName("componentSpec");
        for (int i = 0; i < components.getLength(); i++) {
          Element c = (Element) components.item(i);
          c.setAttribute("HsamplingFactor", "1");
          c.setAttribute("VsamplingFactor", "1");
        }
        metadata.setFromTree("javax_imageio_jpeg_image_1.0", root);
      }
      return write(writer, new IIOImage(image, null, metadata), param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
  }

  /**
   * Encodes a YCbCr JPEG with ImageIO with the given sampling factors per component (Y, Cb, Cr),
   * for example {@code {2, 1, 1}} and {@code {2, 1, 1}} for 4:2:0, {@code {4, 1, 1}} and
   * {@code {2, 1, 1}} for "4x2".
   */
  static byte[] jpegSampled(BufferedImage image, float quality, boolean progressive, int[] h, int[] v) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality);
      if (progressive) {
        param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      }
      IIOMetadata metadata = writer.getDefaultImageMetadata(new ImageTypeSpecifier(image), param);
      Node root = metadata.getAsTree("javax_imageio_jpeg_image_1.0");
      NodeList components = ((Element) root).getElementsByTagName("componentSpec");
      for (int i = 0; i < components.getLength(); i++) {
        Element c = (Element) components.item(i);
        c.setAttribute("HsamplingFactor", Integer.toString(h[i]));
        c.setAttribute("VsamplingFactor", Integer.toString(v[i]));
      }
      metadata.setFromTree("javax_imageio_jpeg_image_1.0", root);
      return write(writer, new IIOImage(image, null, metadata), param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
  }

  /** Encodes a 4-band raster as a JPEG with no color transform (CMYK, Adobe marker). */
  static byte[] cmykJpeg(Raster cmyk) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(0.95f);
      return write(writer, new IIOImage(cmyk, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
  }

  /** Encodes a PNG with ImageIO, Adam7-interlaced if asked. */
  static byte[] png(BufferedImage image, boolean interlaced) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
    try {
      ImageWriteParam param = writer.getDefaultWriteParam();
      if (interlaced) {
        param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      } else {
        param.setProgressiveMode(ImageWriteParam.MODE_DISABLED);
      }
      return write(writer, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
  }

  private static byte[] write(ImageWriter writer, IIOImage image, ImageWriteParam param) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, image, param);
    }
    return bytes.toByteArray();
  }

  /** Inserts an APP1 Exif segment holding only an Orientation tag right after SOI. */
  static byte[] withExifOrientation(byte[] jpeg, int orientation, boolean bigEndian) {
    byte[] tiff = new byte[8 + 2 + 12 + 4];
    java.nio.ByteBuffer t = java.nio.ByteBuffer.wrap(tiff)
        .order(bigEndian ? java.nio.ByteOrder.BIG_ENDIAN : java.nio.ByteOrder.LITTLE_ENDIAN);
    t.put(bigEndian ? (byte) 'M' : (byte) 'I').put(bigEndian ? (byte) 'M' : (byte) 'I');
    t.putShort((short) 42).putInt(8);
    t.putShort((short) 1); // one entry
    t.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
    t.putInt(0); // no next IFD
    int length = 2 + 6 + tiff.length;
    byte[] out = new byte[jpeg.length + 2 + length];
    out[0] = (byte) 0xFF;
    out[1] = (byte) 0xD8;
    out[2] = (byte) 0xFF;
    out[3] = (byte) 0xE1;
    out[4] = (byte) (length >> 8);
    out[5] = (byte) length;
    System.arraycopy("Exif\0\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0, out, 6, 6);
    System.arraycopy(tiff, 0, out, 12, tiff.length);
    System.arraycopy(jpeg, 2, out, 12 + tiff.length, jpeg.length - 2);
    return out;
  }

  /** Inserts an APP14 Adobe segment (as Photoshop writes, color transform 0) right after SOI. */
  static byte[] withAdobeMarker(byte[] jpeg) {
    byte[] segment = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
    byte[] out = new byte[jpeg.length + segment.length];
    out[0] = (byte) 0xFF;
    out[1] = (byte) 0xD8;
    System.arraycopy(segment, 0, out, 2, segment.length);
    System.arraycopy(jpeg, 2, out, 2 + segment.length, jpeg.length - 2);
    return out;
  }

  /** Packed RGB of an ImageBuffer. */
  static byte[] rgb(ImageBuffer buffer) {
    return buffer.pixels().toArray(ValueLayout.JAVA_BYTE);
  }

  /** Packed RGB of a BufferedImage, through getRGB. */
  static byte[] rgb(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    byte[] out = new byte[w * h * 3];
    int o = 0;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int argb = image.getRGB(x, y);
        out[o++] = (byte) (argb >> 16);
        out[o++] = (byte) (argb >> 8);
        out[o++] = (byte) argb;
      }
    }
    return out;
  }

  /** The sub-rectangle of a packed RGB image. */
  static byte[] crop(byte[] rgb, int width, int x, int y, int w, int h) {
    byte[] out = new byte[w * h * 3];
    for (int r = 0; r < h; r++) {
      System.arraycopy(rgb, ((y + r) * width + x) * 3, out, r * w * 3, w * 3);
    }
    return out;
  }

  /**
   * Shows a stored packed RGB image as EXIF orientation {@code o} displays it: pixel (x, y) of the
   * result, per the TIFF/EXIF definition of the Orientation tag.
   */
  static byte[] orient(byte[] rgb, int width, int height, int o) {
    boolean swap = o >= 5;
    int dw = swap ? height : width;
    int dh = swap ? width : height;
    byte[] out = new byte[rgb.length];
    for (int y = 0; y < dh; y++) {
      for (int x = 0; x < dw; x++) {
        int sx;
        int sy;
        switch (o) {
          case 2 -> { sx = width - 1 - x; sy = y; }
          case 3 -> { sx = width - 1 - x; sy = height - 1 - y; }
          case 4 -> { sx = x; sy = height - 1 - y; }
          case 5 -> { sx = y; sy = x; }
          case 6 -> { sx = y; sy = height - 1 - x; }
          case 7 -> { sx = width - 1 - y; sy = height - 1 - x; }
          case 8 -> { sx = width - 1 - y; sy = x; }
          default -> { sx = x; sy = y; }
        }
        System.arraycopy(rgb, (sy * width + sx) * 3, out, (y * dw + x) * 3, 3);
      }
    }
    return out;
  }

  /** Averages s x s blocks (clipped at the edges) of a packed RGB image into outW x outH. */
  static byte[] boxDownscale(byte[] rgb, int width, int height, int s, int outW, int outH) {
    byte[] out = new byte[outW * outH * 3];
    for (int oy = 0; oy < outH; oy++) {
      for (int ox = 0; ox < outW; ox++) {
        for (int c = 0; c < 3; c++) {
          int sum = 0;
          int n = 0;
          for (int y = oy * s; y < Math.min(height, oy * s + s); y++) {
            for (int x = ox * s; x < Math.min(width, ox * s + s); x++) {
              sum += rgb[(y * width + x) * 3 + c] & 0xFF;
              n++;
            }
          }
          out[(oy * outW + ox) * 3 + c] = (byte) (n == 0 ? 0 : (sum + n / 2) / n);
        }
      }
    }
    return out;
  }

  /** Largest absolute difference of two equally long byte arrays, as unsigned samples. */
  static int maxDiff(byte[] a, byte[] b) {
    checkLengths(a, b);
    int max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs((a[i] & 0xFF) - (b[i] & 0xFF)));
    }
    return max;
  }

  /** Mean absolute difference of two equally long byte arrays, as unsigned samples. */
  static double meanDiff(byte[] a, byte[] b) {
    checkLengths(a, b);
    long sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += Math.abs((a[i] & 0xFF) - (b[i] & 0xFF));
    }
    return (double) sum / a.length;
  }

  private static void checkLengths(byte[] a, byte[] b) {
    if (a.length != b.length) {
      throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
    }
  }

  /** A direct copy of the bytes, for the native-segment path. */
  static java.nio.ByteBuffer direct(byte[] bytes) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(bytes.length);
    b.put(bytes).flip();
    return b;
  }

  /** Bytes 0..n of the memory. */
  static byte[] bytes(MemorySegment segment) {
    return segment.toArray(ValueLayout.JAVA_BYTE);
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }
}
