package dev.stoker.image;

import dev.stoker.decode.ImageDecoders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.DecodeException;
import dev.stoker.api.DecodeRequest;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.ImageHeader;
import dev.stoker.api.Region;
import dev.stoker.api.TransformSpec;
import java.awt.image.BufferedImage;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Decoding and shrinking into raw images: sizes, pixels, and that the loader's path runs on them. */
class ImageShrinkerTest {
  private static final ImageDecoder DECODER = ImageDecoders.best();

  private static ImageShrinker.Shrunk shrink(ByteBuffer encoded, int side) {
    return new ImageShrinker(DECODER, side).shrink(encoded, "scene");
  }

  private static byte[] pixels(ByteBuffer raw) {
    ImageBuffer out = ImageBuffer.allocate(0);
    DECODER.decode(raw, DecodeRequest.full(DECODER.readHeader(raw, "raw")), out, "raw");
    return GeneratedImages.bytes(out);
  }

  /** A lossless PNG of packed RGB pixels. */
  private static ByteBuffer png(byte[] rgb, int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, GeneratedImages.pixel(rgb, width, x, y));
      }
    }
    return GeneratedImages.png(image);
  }

  @Test
  void targetSize_landscapePortraitAndSmall_shrinksTheShorterSideAndNeverEnlarges() {
    assertThat(ImageShrinker.targetSize(400, 300, 150)).containsExactly(200, 150);
    assertThat(ImageShrinker.targetSize(300, 401, 150)).containsExactly(150, 201);
    assertThat(ImageShrinker.targetSize(100, 100, 64)).containsExactly(64, 64);
    assertThat(ImageShrinker.targetSize(3000, 2, 1)).containsExactly(1500, 1);
    assertThat(ImageShrinker.targetSize(120, 90, 90)).containsExactly(120, 90);
    assertThat(ImageShrinker.targetSize(120, 90, 500)).containsExactly(120, 90);
  }

  @Test
  void shrink_largeImage_equalsDecodingAndResamplingDirectly() {
    BufferedImage scene = GeneratedImages.scene(160, 120);
    ByteBuffer jpeg = GeneratedImages.jpeg(scene);

    ImageShrinker.Shrunk shrunk = shrink(jpeg, 45);

    assertThat(shrunk.width()).isEqualTo(60);
    assertThat(shrunk.height()).isEqualTo(45);
    assertThat(shrunk.sourceWidth()).isEqualTo(160);
    assertThat(shrunk.sourceHeight()).isEqualTo(120);
    assertThat(shrunk.scaleX()).isEqualTo(60.0 / 160);
    assertThat(shrunk.scaleY()).isEqualTo(45.0 / 120);
    ImageBuffer decoded = ImageBuffer.allocate(0);
    DECODER.decode(jpeg, new DecodeRequest(Region.full(160, 120), 60, 45), decoded, "scene");
    ImageBuffer expected = ImageBuffer.allocate(0);
    new Resampler().resample(decoded, 0, 0, decoded.width(), decoded.height(), 60, 45, false,
        expected.reshape(60, 45, 3));
    assertThat(pixels(shrunk.raw())).isEqualTo(GeneratedImages.bytes(expected));
  }

  @Test
  void shrink_imageThatFits_keepsItsPixelsExactly() {
    BufferedImage noise = GeneratedImages.noise(30, 20, 9);

    ImageShrinker.Shrunk shrunk = shrink(GeneratedImages.png(noise), 64);

    assertThat(shrunk.width()).isEqualTo(30);
    assertThat(shrunk.height()).isEqualTo(20);
    assertThat(shrunk.scaleX()).isEqualTo(1.0);
    assertThat(pixels(shrunk.raw())).isEqualTo(GeneratedImages.rgb(noise));
  }

  /** The loader's decode and augment path gives the same sample from the raw image as from a PNG of it. */
  @Test
  void process_rawImage_equalsProcessingAPngOfTheShrunkImage() {
    ImageShrinker.Shrunk shrunk = shrink(GeneratedImages.jpeg(GeneratedImages.scene(200, 150)), 64);
    byte[] rgb = pixels(shrunk.raw());
    ByteBuffer png = png(rgb, shrunk.width(), shrunk.height());
    List<TransformSpec> specs = List.of(new TransformSpec.RandomResizedCrop(32),
        new TransformSpec.HorizontalFlip(0.5));
    SampleProcessor processor = new SampleProcessor(DECODER, TransformPlan.compile(specs));

    for (long seed = 0; seed < 8; seed++) {
      MemorySegment fromRaw = Arena.ofAuto().allocate(processor.sampleBytes());
      MemorySegment fromPng = Arena.ofAuto().allocate(processor.sampleBytes());
      processor.process(shrunk.raw(), "s", new SplittableRandom(seed), fromRaw);
      processor.process(png, "s", new SplittableRandom(seed), fromPng);
      assertThat(GeneratedImages.bytes(fromRaw)).as("seed %d", seed).isEqualTo(GeneratedImages.bytes(fromPng));
    }
  }

  @Test
  void shrink_corruptBytes_failsWithADecodeExceptionNamingTheSource() {
    ImageShrinker shrinker = new ImageShrinker(DECODER, 32);

    assertThatThrownBy(() -> shrinker.shrink(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), "broken.jpg"))
        .isInstanceOf(DecodeException.class)
        .hasMessageStartingWith("broken.jpg");
  }

  @Test
  void constructor_badArguments_failNamingTheParameter() {
    assertThatThrownBy(() -> new ImageShrinker(DECODER, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shorterSide");
    assertThatThrownBy(() -> new ImageShrinker(null, 10)).hasMessageContaining("decoder");
  }

  @Test
  void shrunk_header_isRaw() {
    ImageShrinker.Shrunk shrunk = shrink(GeneratedImages.png(GeneratedImages.scene(50, 80)), 25);

    assertThat(RawImage.readHeader(shrunk.raw(), "s")).isEqualTo(new ImageHeader(25, 40, RawImage.FORMAT));
  }
}
