package dev.stoker.image;

import dev.stoker.api.LoaderException;
import dev.stoker.api.internal.Checks;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** {@link JpegEncoder} on {@code javax.imageio}: the fallback where the native library does not load. */
final class ImageIoJpegEncoder implements JpegEncoder {
  static final ImageIoJpegEncoder INSTANCE = new ImageIoJpegEncoder();

  private ImageIoJpegEncoder() {}

  @Override
  public byte[] encode(MemorySegment rgb, int width, int height, int quality, String source) {
    check(rgb, width, height, quality, source);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    MemorySegment.copy(rgb, ValueLayout.JAVA_BYTE, 0, bgr, 0, width * height * 3);
    for (int i = 0; i < bgr.length; i += 3) {
      byte r = bgr[i];
      bgr[i] = bgr[i + 2];
      bgr[i + 2] = r;
    }
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
    if (!writers.hasNext()) {
      throw new LoaderException(source + ": cannot encode JPEG: no ImageIO JPEG writer");
    }
    ImageWriter writer = writers.next();
    try {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality / 100f);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(1024, width * height / 4));
      try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
        writer.setOutput(out);
        writer.write(null, new IIOImage(image, null, null), param);
      }
      return bytes.toByteArray();
    } catch (IOException | RuntimeException e) {
      throw new LoaderException(String.format(Locale.ROOT, "%s: cannot encode a %dx%d JPEG: %s", source, width,
          height, e.getClass().getSimpleName()), e);
    } finally {
      writer.dispose();
    }
  }

  @Override
  public String name() {
    return "imageio";
  }

  /** Checks the arguments every encoder takes. */
  static void check(MemorySegment rgb, int width, int height, int quality, String source) {
    Checks.notNull(rgb, "rgb");
    Checks.positive(width, "width");
    Checks.positive(height, "height");
    Checks.argument(quality >= 1 && quality <= 100, "quality", "must be 1 to 100, got " + quality);
    Checks.notNull(source, "source");
    Checks.argument(rgb.byteSize() >= (long) width * height * 3, "rgb",
        "holds " + rgb.byteSize() + " bytes, a " + width + "x" + height + " image needs " + (long) width * height * 3);
  }
}
