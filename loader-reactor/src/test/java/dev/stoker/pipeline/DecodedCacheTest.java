package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.DecodeException;
import dev.stoker.api.DecodeRequest;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.ImageHeader;
import dev.stoker.api.SampleException;
import dev.stoker.api.SampleSource;
import dev.stoker.decode.ImageDecoders;
import dev.stoker.image.ImageShrinker;
import dev.stoker.image.RawImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The decoded-image cache: shrunk raw entries, boxes scaled to match, decode failures not cached. */
class DecodedCacheTest {
  private static final int W = 80;
  private static final int H = 60;

  /** A PNG of {@code width x height} whose pixels depend on {@code seed}. */
  static byte[] png(int width, int height, int seed) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, (x * 3 + seed * 40) % 256 << 16 | (y * 4) % 256 << 8 | (x + y + seed * 17) % 256);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * A detection source of 80x60 PNGs, sample {@code i} with one box {@code (10, 6, 50, 30)} of
   * label {@code i % 2}; sample {@link #corrupt} reads as bytes no decoder accepts.
   */
  static final class Detection implements SampleSource {
    final AtomicInteger reads = new AtomicInteger();
    final int corrupt;

    Detection(int corrupt) {
      this.corrupt = corrupt;
    }

    @Override
    public String description() {
      return "detection";
    }

    @Override
    public int size() {
      return 4;
    }

    @Override
    public String sourceName(int index) {
      return "img" + index + ".png";
    }

    @Override
    public int label(int index) {
      return index % 2;
    }

    @Override
    public List<String> classes() {
      return List.of("a", "b");
    }

    @Override
    public ByteBuffer read(int index) {
      reads.incrementAndGet();
      return ByteBuffer.wrap(index == corrupt ? new byte[] {1, 2, 3, 4, 5} : png(W, H, index));
    }

    @Override
    public boolean hasBoxes() {
      return true;
    }

    @Override
    public int maxBoxCount() {
      return 1;
    }

    @Override
    public int boxCount(int index) {
      return 1;
    }

    @Override
    public int copyBoxes(int index, float[] boxes, int[] labels) {
      boxes[0] = 10;
      boxes[1] = 6;
      boxes[2] = 50;
      boxes[3] = 30;
      labels[0] = index % 2;
      return 1;
    }
  }

  private static byte[] pixels(ImageDecoder decoder, ByteBuffer encoded) {
    ImageBuffer out = ImageBuffer.allocate(0);
    decoder.decode(encoded, DecodeRequest.full(decoder.readHeader(encoded, "x")), out, "x");
    return out.pixels().toArray(ValueLayout.JAVA_BYTE);
  }

  @Test
  void read_decodedCache_servesTheShrunkImageAsRawAndHitsTheSecondTime() throws IOException {
    ImageDecoder decoder = ImageDecoders.best();
    Detection inner = new Detection(-1);
    CachingSource cached = SampleCaches.decoded(inner, 1 << 20, 30, decoder);

    ByteBuffer first = cached.read(1);
    ByteBuffer second = cached.read(1, ByteBuffer.allocateDirect(1 << 16));

    assertThat(RawImage.readHeader(first, "img1.png")).isEqualTo(new ImageHeader(40, 30, RawImage.FORMAT));
    byte[] expected = pixels(decoder, new ImageShrinker(decoder, 30).shrink(inner.read(1), "img1.png").raw());
    assertThat(pixels(decoder, first)).isEqualTo(expected);
    assertThat(pixels(decoder, second)).isEqualTo(expected);
    assertThat(inner.reads.get()).isEqualTo(2);
    assertThat(cached.cacheStats().hits()).isEqualTo(1);
    assertThat(cached.cacheStats().weightBytes()).isEqualTo(RawImage.encodedBytes(40, 30));
    assertThat(cached.description()).contains("cached").contains("decoded").contains("30");
  }

  @Test
  void copyBoxes_afterRead_scalesTheBoxesByTheShrinkFactors() throws IOException {
    CachingSource cached = SampleCaches.decoded(new Detection(-1), 1 << 20, 30);
    float[] boxes = new float[4];
    int[] labels = new int[1];

    cached.read(3);
    int n = cached.copyBoxes(3, boxes, labels);

    assertThat(n).isEqualTo(1);
    assertThat(boxes).containsExactly(5f, 3f, 25f, 15f);
    assertThat(labels).containsExactly(1);
  }

  @Test
  void copyBoxes_beforeAnyRead_decodesTheSampleOnceToLearnTheFactors() throws IOException {
    Detection inner = new Detection(-1);
    CachingSource cached = SampleCaches.decoded(inner, 1 << 20, 15);
    float[] boxes = new float[4];

    cached.copyBoxes(0, boxes, new int[1]);
    cached.read(0);

    assertThat(boxes).containsExactly(2.5f, 1.5f, 12.5f, 7.5f);
    assertThat(inner.reads.get()).isEqualTo(1);
  }

  @Test
  void copyBoxes_imageNotShrunk_leavesTheBoxesAsTheyAre() throws IOException {
    CachingSource cached = SampleCaches.decoded(new Detection(-1), 1 << 20, 500);
    float[] boxes = new float[4];

    cached.read(2);
    cached.copyBoxes(2, boxes, new int[1]);

    assertThat(boxes).containsExactly(10f, 6f, 50f, 30f);
    assertThat(cached.cacheStats().weightBytes()).isEqualTo(RawImage.encodedBytes(W, H));
  }

  @Test
  void read_sampleThatCannotBeDecoded_failsNamingTheFileAndIsNotCached() {
    Detection inner = new Detection(2);
    CachingSource cached = SampleCaches.decoded(inner, 1 << 20, 30);

    for (int attempt = 0; attempt < 2; attempt++) {
      assertThatThrownBy(() -> cached.read(2))
          .isInstanceOf(DecodeException.class)
          .hasMessageStartingWith("img2.png");
    }
    assertThatThrownBy(() -> cached.copyBoxes(2, new float[4], new int[1]))
        .isInstanceOf(SampleException.class)
        .hasMessageStartingWith("img2.png");

    assertThat(inner.reads.get()).isEqualTo(3);
    assertThat(cached.cacheStats().weightBytes()).isZero();
  }
}
