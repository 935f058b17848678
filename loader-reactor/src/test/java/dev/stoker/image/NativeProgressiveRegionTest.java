package dev.stoker.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.DecodeException;
import dev.stoker.api.DecodeRequest;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.Region;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Region decodes of progressive JPEGs for a file known sound, which skip each scan's data below
 * the region (stoker_image.c, {@code skip_scan_rest}), equal the same region of a strict full
 * decode byte for byte: several sizes, 4:2:0, 4:4:4 and grayscale, with and without restart
 * intervals, regions at the top, in the middle, at the bottom and the whole image, at DCT scales
 * 1, 1/2 and 1/4; and a file whose coefficients stay incomplete (libjpeg block-smooths it, reading
 * blocks below the region).
 */
class NativeProgressiveRegionTest {
  private static final String FORMAT = "javax_imageio_jpeg_image_1.0";

  private ImageDecoder decoder;

  @BeforeEach
  void setUp() {
    decoder = NativeTestSupport.nativeOrSkip();
  }

  /** Kind (4:2:0, 4:4:4, gray, or 4:2:0 with an incomplete scan script), width, height, restart interval. */
  static Stream<Arguments> files() {
    List<Arguments> all = new ArrayList<>();
    int[][] sizes = {{123, 97}, {64, 301}, {250, 180}};
    for (int[] size : sizes) {
      for (String kind : List.of("4:2:0", "4:4:4", "gray", "incomplete")) {
        for (int restart : new int[] {0, 3}) {
          all.add(Arguments.of(kind, size[0], size[1], restart));
        }
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0} {1}x{2} restart interval {3}")
  @MethodSource("files")
  void decode_knownSoundRegionOfProgressive_equalsCropOfStrictFullDecode(String kind, int width, int height,
      int restart) {
    byte[] jpeg = progressive(kind, width, height, restart);
    assertThat(hasMarker(jpeg, 0xDD)).as("restart interval written").isEqualTo(restart > 0);
    Map<Integer, byte[]> fulls = new HashMap<>();
    List<String> wrong = new ArrayList<>();
    for (int s : new int[] {1, 2, 4}) {
      for (Region region : regions(width, height)) {
        int minW = Math.max(1, region.width() / s);
        int minH = Math.max(1, region.height() / s);
        DecodeRequest known = new DecodeRequest(region, minW, minH, true);
        int scale = NativeImageDecoder.scaleFor(known);
        int fullW = NativeImageDecoder.scaled(width, scale);
        int fullH = NativeImageDecoder.scaled(height, scale);
        byte[] full = fulls.computeIfAbsent(scale, k -> TestImages.rgb(
            NativeTestSupport.decode(decoder, jpeg, Region.full(width, height), width / k, height / k)));
        ImageBuffer part = ImageBuffer.allocate(0);
        decoder.decode(ByteBuffer.wrap(jpeg), known, part, NativeTestSupport.SOURCE);
        int outW = NativeImageDecoder.scaled(region.width(), scale);
        int outH = NativeImageDecoder.scaled(region.height(), scale);
        // libjpeg's scaled image is ceil(size / scale) long, where the delivered full image is
        // round(size / scale): a region clamped into that last row or column has no reference.
        int ox = Math.min(NativeImageDecoder.scaled(region.x(), scale), ceilDiv(width, scale) - outW);
        int oy = Math.min(NativeImageDecoder.scaled(region.y(), scale), ceilDiv(height, scale) - outH);
        if (ox + outW > fullW || oy + outH > fullH) {
          continue;
        }
        byte[] expected = TestImages.crop(full, fullW, ox, oy, outW, outH);
        if (part.width() != outW || part.height() != outH || TestImages.maxDiff(TestImages.rgb(part), expected) != 0) {
          wrong.add(region + " at 1/" + scale);
        }
      }
    }
    assertThat(wrong).as("known-sound regions unlike the crop of a strict full decode (%s)", kind).isEmpty();
  }

  @Test
  void decode_knownSoundTopRegion_corruptionInSkippedRowsUnseenAndPixelsExact() {
    byte[] clean = progressive("4:2:0", 250, 180, 0);
    byte[] corrupt = withPrematureEoi(clean);
    Region top = new Region(0, 0, 250, 40);
    ImageBuffer fromCorrupt = ImageBuffer.allocate(0);
    decoder.decode(ByteBuffer.wrap(corrupt), new DecodeRequest(top, 250, 40, true), fromCorrupt,
        NativeTestSupport.SOURCE);
    byte[] expected = TestImages.crop(TestImages.rgb(NativeTestSupport.decodeFull(decoder, clean)), 250, 0, 0, 250, 40);
    assertThat(TestImages.rgb(fromCorrupt)).isEqualTo(expected);
  }

  @Test
  void decode_strictTopRegion_corruptionBelowRegionFails() {
    byte[] corrupt = withPrematureEoi(progressive("4:2:0", 250, 180, 0));
    ImageBuffer out = ImageBuffer.allocate(0);
    assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(corrupt),
        new DecodeRequest(new Region(0, 0, 250, 40), 250, 40, false), out, NativeTestSupport.SOURCE))
        .isInstanceOf(DecodeException.class)
        .hasMessageContaining(NativeTestSupport.SOURCE)
        .hasMessageContaining("corrupt JPEG data");
  }

  @Test
  void decode_knownSoundRegionOverCorruptRows_fails() {
    byte[] corrupt = withPrematureEoi(progressive("4:2:0", 250, 180, 0));
    ImageBuffer out = ImageBuffer.allocate(0);
    assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(corrupt),
        new DecodeRequest(new Region(0, 120, 250, 60), 250, 60, true), out, NativeTestSupport.SOURCE))
        .isInstanceOf(DecodeException.class)
        .hasMessageContaining("corrupt JPEG data");
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  /** Top, top-left, two iMCU rows, middle, an iMCU boundary, bottom, the whole image. */
  private static List<Region> regions(int width, int height) {
    List<Region> regions = new ArrayList<>();
    regions.add(new Region(0, 0, width, Math.max(8, height / 4)));
    regions.add(new Region(width / 3, 0, Math.max(8, width / 4), Math.max(8, height / 6)));
    regions.add(new Region(0, 0, width, 17));
    regions.add(new Region(width / 5, 2 * height / 5, width / 2, height / 5));
    regions.add(new Region(1, 15, width - 1, 18));
    regions.add(new Region(0, height - height / 4, width, height / 4));
    regions.add(Region.full(width, height));
    return regions;
  }

  /**
   * Overwrites the last scan's entropy-coded data, 90% of the way through (in the image's lower
   * rows), with an EOI marker: "premature end of data segment" for any decode that reads there.
   */
  private static byte[] withPrematureEoi(byte[] jpeg) {
    int sos = -1;
    for (int i = 0; i + 1 < jpeg.length; i++) {
      if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xDA) {
        sos = i;
      }
    }
    int start = sos + 2 + ((jpeg[sos + 2] & 0xFF) << 8 | jpeg[sos + 3] & 0xFF);
    int end = jpeg.length - 2;
    int at = start + (end - start) * 9 / 10;
    byte[] out = jpeg.clone();
    out[at] = (byte) 0xFF;
    out[at + 1] = (byte) 0xD9;
    return out;
  }

  private static boolean hasMarker(byte[] jpeg, int marker) {
    for (int i = 0; i + 1 < jpeg.length; i++) {
      if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == marker) {
        return true;
      }
      if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xDA) {
        return false; // markers before the first scan only
      }
    }
    return false;
  }

  /**
   * A progressive JPEG by ImageIO: "4:2:0", "4:4:4", "gray" with the default scan script, or
   * "incomplete": 4:2:0 whose AC coefficients never get their last bit (a DC scan, then each
   * component's AC at a point transform of 1), which libjpeg block-smooths.
   */
  static byte[] progressive(String kind, int width, int height, int restartInterval) {
    BufferedImage image = TestImages.photo(width, height, width * 31L + height);
    if (kind.equals("gray")) {
      image = TestImages.convert(image, BufferedImage.TYPE_BYTE_GRAY);
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(0.9f);
      param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      IIOMetadata metadata = writer.getDefaultImageMetadata(new ImageTypeSpecifier(image), param);
      Element root = (Element) metadata.getAsTree(FORMAT);
      Element markers = (Element) root.getElementsByTagName("markerSequence").item(0);
      if (kind.equals("4:4:4")) {
        NodeList components = root.getElementsByTagName("componentSpec");
        for (int i = 0; i < components.getLength(); i++) {
          ((Element) components.item(i)).setAttribute("HsamplingFactor", "1");
          ((Element) components.item(i)).setAttribute("VsamplingFactor", "1");
        }
      }
      if (restartInterval > 0) {
        IIOMetadataNode dri = new IIOMetadataNode("dri");
        dri.setAttribute("interval", Integer.toString(restartInterval));
        Node first = markers.getFirstChild();
        markers.insertBefore(dri, first);
      }
      metadata.setFromTree(FORMAT, root);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
        writer.setOutput(out);
        writer.write(null, new IIOImage(image, null, metadata), param);
      }
      return kind.equals("incomplete") ? withoutAcRefinement(bytes.toByteArray()) : bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
  }

  /**
   * Drops every AC refinement scan (SOS with Ss > 0 and Ah > 0, and its entropy-coded data): the AC
   * coefficients keep their last bit unknown, so libjpeg block-smooths the output.
   */
  private static byte[] withoutAcRefinement(byte[] jpeg) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    int dropped = 0;
    while (i < jpeg.length) {
      if ((jpeg[i] & 0xFF) == 0xFF && i + 1 < jpeg.length && (jpeg[i + 1] & 0xFF) == 0xDA) {
        int length = (jpeg[i + 2] & 0xFF) << 8 | jpeg[i + 3] & 0xFF;
        int components = jpeg[i + 4] & 0xFF;
        int ss = jpeg[i + 5 + 2 * components] & 0xFF;
        int ah = (jpeg[i + 7 + 2 * components] & 0xFF) >> 4;
        int end = i + 2 + length;
        while (end + 1 < jpeg.length && !((jpeg[end] & 0xFF) == 0xFF && isScanEnd(jpeg[end + 1] & 0xFF))) {
          end++;
        }
        if (ss > 0 && ah > 0) {
          dropped++;
        } else {
          out.write(jpeg, i, end - i);
        }
        i = end;
      } else {
        out.write(jpeg[i]);
        i++;
      }
    }
    assertThat(dropped).as("AC refinement scans dropped").isPositive();
    return out.toByteArray();
  }

  /** A marker that ends a scan's data: not a stuffed 0x00, a fill 0xFF or RST0-7. */
  private static boolean isScanEnd(int code) {
    return code != 0x00 && code != 0xFF && (code < 0xD0 || code > 0xD7);
  }
}
