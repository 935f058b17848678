package dev.stoker.image;

import dev.stoker.api.DecodeException;
import dev.stoker.api.DecodeRequest;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.ImageHeader;
import dev.stoker.api.Region;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes through the JDK's ImageIO: slow (about a third of libjpeg-turbo) but always present.
 * Decodes only the requested region's columns, and its rows (a PNG) or every row from its first
 * (a JPEG, so that corrupt data below the region fails the image); never scales. Checks PNG chunk
 * CRCs itself, since the JDK's reader ignores them.
 */
public final class ImageIoDecoder implements ImageDecoder {
  private final long maxPixels;

  /**
   * Creates a decoder that refuses images larger than {@code maxPixels}.
   *
   * @param maxPixels images whose header claims more pixels fail, positive
   * @throws IllegalArgumentException if {@code maxPixels} is not positive
   */
  public ImageIoDecoder(long maxPixels) {
    if (maxPixels <= 0) {
      throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
    }
    this.maxPixels = maxPixels;
    ImageIO.setUseCache(false);
  }

  @Override
  public String name() {
    return "imageio";
  }

  @Override
  public ImageHeader readHeader(ByteBuffer encoded, String source) {
    try (ImageInputStream in = open(encoded, source)) {
      ImageReader reader = readerFor(in, source);
      try {
        return header(reader, source);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      throw failure(source, e);
    }
  }

  @Override
  public void decode(ByteBuffer encoded, DecodeRequest request, ImageBuffer destination, String source) {
    BufferedImage image;
    Region region = request.region();
    try (ImageInputStream in = open(encoded, source)) {
      ImageReader reader = readerFor(in, source);
      // ImageIO decodes a truncated or corrupt JPEG with a warning and gray filler; fail it, as the
      // native decoder does. Warnings that say a metadata chunk or marker is ignored (ICC profile,
      // thumbnail, PNG PLTE/tRNS quirks) leave the pixels intact.
      String[] corrupt = new String[1];
      reader.addIIOReadWarningListener((r, warning) -> {
        if (corrupt[0] == null && !warning.contains("ignor")) {
          corrupt[0] = warning;
        }
      });
      try {
        ImageHeader header = header(reader, source);
        String badCrc = header.format().equals("png") ? PngChunks.firstBadCrc(encoded) : null;
        if (badCrc != null) {
          throw new DecodeException(source, "cannot decode: " + badCrc + ": CRC error");
        }
        if (!region.fitsIn(header.width(), header.height())) {
          throw new DecodeException(source, "region " + region + " outside image " + header.width() + "x" + header.height());
        }
        ImageReadParam param = reader.getDefaultReadParam();
        // A JPEG is read down to its last row: the reader stops after the region otherwise, and
        // corrupt data below it would go unnoticed (the native strict decoder reads it all too).
        int rows = header.format().equals("jpeg") ? header.height() - region.y() : region.height();
        param.setSourceRegion(new Rectangle(region.x(), region.y(), region.width(), rows));
        image = reader.read(0, param);
        if (corrupt[0] != null) {
          throw new DecodeException(source, "corrupt or truncated image: " + corrupt[0]);
        }
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      throw failure(source, e);
    }
    copyRgb(image, region.height(), destination);
  }

  private ImageHeader header(ImageReader reader, String source) throws IOException {
    int width = reader.getWidth(0);
    int height = reader.getHeight(0);
    if ((long) width * height > maxPixels) {
      throw new DecodeException(source, "image is " + width + "x" + height + " = " + ((long) width * height)
          + " pixels, over the limit of " + maxPixels);
    }
    return new ImageHeader(width, height, reader.getFormatName().toLowerCase(java.util.Locale.ROOT));
  }

  private static ImageInputStream open(ByteBuffer encoded, String source) throws IOException {
    if (!encoded.hasRemaining()) {
      throw new DecodeException(source, "empty file");
    }
    ByteBuffer view = encoded.duplicate();
    byte[] bytes;
    int offset;
    if (view.hasArray()) {
      bytes = view.array();
      offset = view.arrayOffset() + view.position();
    } else {
      bytes = new byte[view.remaining()];
      view.get(bytes);
      offset = 0;
    }
    ImageInputStream in = ImageIO.createImageInputStream(
        new ByteArrayInputStream(bytes, offset, encoded.remaining()));
    if (in == null) {
      throw new DecodeException(source, "cannot open an image stream");
    }
    return in;
  }

  private static ImageReader readerFor(ImageInputStream in, String source) {
    Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
    if (!readers.hasNext()) {
      throw new DecodeException(source, "not a recognised image format");
    }
    ImageReader reader = readers.next();
    reader.setInput(in, true, true);
    return reader;
  }

  private static DecodeException failure(String source, Exception e) {
    if (e instanceof DecodeException d) {
      return d;
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new DecodeException(source, "cannot decode: " + message, e);
  }

  /** Copies the first {@code height} rows of any BufferedImage into {@code destination} as packed RGB. */
  static void copyRgb(BufferedImage image, int height, ImageBuffer destination) {
    int width = image.getWidth();
    MemorySegment out = destination.reshape(width, height, 3);
    if ((image.getType() == BufferedImage.TYPE_3BYTE_BGR || image.getType() == BufferedImage.TYPE_BYTE_GRAY)
        && image.getRaster().getDataBuffer() instanceof DataBufferByte data
        && image.getRaster().getParent() == null) {
      byte[] src = data.getData();
      int base = data.getOffset();
      boolean gray = image.getType() == BufferedImage.TYPE_BYTE_GRAY;
      int srcStride = gray ? width : width * 3;
      long o = 0;
      for (int y = 0; y < height; y++) {
        int s = base + y * srcStride;
        if (gray) {
          for (int x = 0; x < width; x++, s++) {
            byte v = src[s];
            out.set(ValueLayout.JAVA_BYTE, o++, v);
            out.set(ValueLayout.JAVA_BYTE, o++, v);
            out.set(ValueLayout.JAVA_BYTE, o++, v);
          }
        } else {
          for (int x = 0; x < width; x++, s += 3) {
            out.set(ValueLayout.JAVA_BYTE, o++, src[s + 2]);
            out.set(ValueLayout.JAVA_BYTE, o++, src[s + 1]);
            out.set(ValueLayout.JAVA_BYTE, o++, src[s]);
          }
        }
      }
      return;
    }
    int[] row = new int[width];
    long o = 0;
    for (int y = 0; y < height; y++) {
      image.getRGB(0, y, width, 1, row, 0, width);
      for (int x = 0; x < width; x++) {
        int argb = row[x];
        out.set(ValueLayout.JAVA_BYTE, o++, (byte) (argb >> 16));
        out.set(ValueLayout.JAVA_BYTE, o++, (byte) (argb >> 8));
        out.set(ValueLayout.JAVA_BYTE, o++, (byte) argb);
      }
    }
  }
}
