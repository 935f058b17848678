package dev.stoker.image;

import dev.stoker.decode.ImageDecoders;
import static dev.stoker.image.GeneratedImages.bytes;
import static dev.stoker.image.GeneratedImages.meanAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.stoker.api.DecodeException;
import dev.stoker.api.DecodeRequest;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageHeader;
import dev.stoker.api.TransformSpec;
import dev.stoker.api.TransformSpec.CenterCrop;
import dev.stoker.api.TransformSpec.ColorJitter;
import dev.stoker.api.TransformSpec.Grayscale;
import dev.stoker.api.TransformSpec.HorizontalFlip;
import dev.stoker.api.TransformSpec.RandomResizedCrop;
import dev.stoker.api.TransformSpec.ResizeShorter;
import dev.stoker.api.TransformSpec.VerticalFlip;
import java.awt.image.BufferedImage;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** One encoded image to one output sample, with the ImageIO decoder on images made in memory. */
class SampleProcessorTest {
  private static final int W = 120;
  private static final int H = 90;
  private static final BufferedImage SCENE = GeneratedImages.scene(W, H);
  private static final Map<String, ByteBuffer> ENCODED = Map.of(
      "scene.jpg", GeneratedImages.jpeg(SCENE),
      "scene.png", GeneratedImages.png(SCENE));

  private final ImageIoDecoder decoder = new ImageIoDecoder(ImageDecoders.DEFAULT_MAX_PIXELS);

  private byte[] process(List<TransformSpec> specs, String name, long seed) {
    SampleProcessor processor = new SampleProcessor(decoder, TransformPlan.compile(specs));
    MemorySegment out = Arena.ofAuto().allocate(processor.sampleBytes());
    processor.process(ENCODED.get(name), name, new SplittableRandom(seed), out);
    return bytes(out);
  }

  @Test
  void process_jpegAndPng_fillExactlyThePlansOutputSize() {
    for (String name : ENCODED.keySet()) {
      SampleProcessor processor = new SampleProcessor(decoder,
          TransformPlan.compile(List.of(new RandomResizedCrop(40, 30, 0.08, 1, 0.75, 4.0 / 3))));
      long sampleBytes = processor.sampleBytes();
      MemorySegment out = Arena.ofAuto().allocate(sampleBytes + 256);
      out.fill((byte) 0x5A);

      processor.process(ENCODED.get(name), name, new SplittableRandom(1), out);

      assertThat(sampleBytes).isEqualTo(40 * 30 * 3);
      assertThat(bytes(out.asSlice(sampleBytes))).as(name).containsOnly((byte) 0x5A);
      long untouched = 0;
      for (byte b : bytes(out.asSlice(0, sampleBytes))) {
        untouched += b == 0x5A ? 1 : 0;
      }
      assertThat(untouched).as("%s: output bytes still holding the sentinel", name).isLessThan(sampleBytes / 10);
    }
  }

  @Test
  void process_outputSmallerThanASample_isRejected() {
    SampleProcessor processor = new SampleProcessor(decoder, TransformPlan.compile(List.of(new RandomResizedCrop(32))));

    assertThatThrownBy(() -> processor.process(ENCODED.get("scene.png"), "scene.png", new SplittableRandom(0),
        Arena.ofAuto().allocate(32 * 32 * 3 - 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void process_flipProbabilityZero_bytesIdenticalToARunWithoutFlip() {
    for (String name : ENCODED.keySet()) {
      for (long seed = 0; seed < 5; seed++) {
        byte[] without = process(List.of(new RandomResizedCrop(48)), name, seed);

        assertThat(process(List.of(new RandomResizedCrop(48), new HorizontalFlip(0)), name, seed))
            .as("%s seed %d, flip last", name, seed).isEqualTo(without);
        assertThat(process(List.of(new HorizontalFlip(0), new RandomResizedCrop(48)), name, seed))
            .as("%s seed %d, flip first", name, seed).isEqualTo(without);
      }
    }
  }

  @Test
  void process_flipProbabilityOne_isTheExactMirrorOfARunWithoutFlip() {
    int size = 48;
    byte[] plain = process(List.of(new RandomResizedCrop(size)), "scene.jpg", 3);
    byte[] flipped = process(List.of(new RandomResizedCrop(size), new HorizontalFlip(1)), "scene.jpg", 3);

    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        for (int c = 0; c < 3; c++) {
          assertThat(flipped[(y * size + x) * 3 + c]).isEqualTo(plain[(y * size + size - 1 - x) * 3 + c]);
        }
      }
    }
    assertThat(flipped).isNotEqualTo(plain);
  }

  @Test
  void process_sameSeed_sameBytesAndDifferentSeeds_differentCrops() {
    List<TransformSpec> train = List.of(new RandomResizedCrop(48), new HorizontalFlip(0.5));

    assertThat(process(train, "scene.jpg", 11)).isEqualTo(process(train, "scene.jpg", 11));
    assertThat(process(train, "scene.jpg", 11)).isNotEqualTo(process(train, "scene.jpg", 12));
  }

  @Test
  void process_verticalFlipProbabilityOne_isTheExactRowMirrorOfARunWithoutIt() {
    int size = 48;
    byte[] plain = process(List.of(new RandomResizedCrop(size)), "scene.jpg", 3);
    byte[] flipped = process(List.of(new RandomResizedCrop(size), new VerticalFlip(1)), "scene.jpg", 3);

    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        for (int c = 0; c < 3; c++) {
          assertThat(flipped[(y * size + x) * 3 + c]).isEqualTo(plain[((size - 1 - y) * size + x) * 3 + c]);
        }
      }
    }
    assertThat(flipped).isNotEqualTo(plain);
  }

  @Test
  void process_disabledNewSteps_bytesIdenticalToARunWithoutThem() {
    List<TransformSpec> disabled = List.of(new VerticalFlip(0), new ColorJitter(0, 0, 0, 0), new Grayscale(0));
    for (String name : ENCODED.keySet()) {
      for (long seed = 0; seed < 5; seed++) {
        byte[] without = process(List.of(new RandomResizedCrop(48), new HorizontalFlip(0.5)), name, seed);
        List<TransformSpec> with = new ArrayList<>(disabled);
        with.addAll(List.of(new RandomResizedCrop(48), new HorizontalFlip(0.5)));
        with.addAll(disabled);

        assertThat(process(with, name, seed)).as("%s seed %d", name, seed).isEqualTo(without);
      }
    }
  }

  @Test
  void process_grayscaleOne_isTheLumaOfARunWithoutIt() {
    byte[] plain = process(List.of(new RandomResizedCrop(48)), "scene.png", 4);
    byte[] gray = process(List.of(new Grayscale(1), new RandomResizedCrop(48)), "scene.png", 4);

    for (int i = 0; i < plain.length; i += 3) {
      double luma = 0.299 * (plain[i] & 0xFF) + 0.587 * (plain[i + 1] & 0xFF) + 0.114 * (plain[i + 2] & 0xFF);
      assertThat(gray[i + 1]).isEqualTo(gray[i]);
      assertThat(gray[i + 2]).isEqualTo(gray[i]);
      assertThat((double) (gray[i] & 0xFF)).isCloseTo(luma, within(1.0));
    }
  }

  @Test
  void process_photometricSteps_runOnTheOutputAfterTheGeometryDraws() {
    List<TransformSpec> geometric = List.of(new RandomResizedCrop(48), new HorizontalFlip(0.5));
    List<TransformSpec> photometric = List.of(new ColorJitter(0.4, 0.4, 0.4, 0.1), new Grayscale(0.3));
    List<TransformSpec> all = List.of(photometric.get(0), geometric.get(0), photometric.get(1), geometric.get(1));
    for (long seed = 0; seed < 8; seed++) {
      byte[] plain = process(geometric, "scene.png", seed);
      SplittableRandom random = new SplittableRandom(seed);
      TransformPlan.compile(geometric).geometry(W, H, random);
      MemorySegment expected = Arena.ofAuto().allocate(plain.length);
      MemorySegment.copy(plain, 0, expected, ValueLayout.JAVA_BYTE, 0, plain.length);
      new OutputSteps(photometric).apply(expected, plain.length / 3, 1, null, random, "test");

      byte[] fused = process(all, "scene.png", seed);

      assertThat(fused).as("seed %d", seed).isEqualTo(bytes(expected)).isNotEqualTo(plain);
    }
  }

  @Test
  void process_trainPlanWithJitterOnManyThreads_sameBytesAsOneThread() throws Exception {
    List<TransformSpec> train = List.of(new RandomResizedCrop(48), new HorizontalFlip(0.5), new VerticalFlip(0.3),
        new ColorJitter(0.4, 0.4, 0.4, 0.1), new Grayscale(0.2));
    SampleProcessor processor = new SampleProcessor(decoder, TransformPlan.compile(train));
    int samples = 32;
    List<byte[]> sequential = new ArrayList<>();
    for (int i = 0; i < samples; i++) {
      sequential.add(process(train, "scene.jpg", 1000 + i));
    }

    List<Future<byte[]>> parallel = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      for (int i = 0; i < samples; i++) {
        long seed = 1000 + i;
        parallel.add(pool.submit(() -> {
          MemorySegment out = Arena.ofAuto().allocate(processor.sampleBytes());
          processor.process(ENCODED.get("scene.jpg"), "scene.jpg", new SplittableRandom(seed), out);
          return bytes(out);
        }));
      }
      for (int i = 0; i < samples; i++) {
        assertThat(parallel.get(i).get()).as("sample %d", i).isEqualTo(sequential.get(i));
      }
    }
    assertThat(sequential.get(0)).isNotEqualTo(sequential.get(1));
  }

  /**
   * The processor decodes only the crop's enclosing region and resamples that; the reference decodes
   * the whole image and resamples the same rectangle of it. They differ only where the filter would
   * reach past the region's edge, so the mean absolute difference stays under half a level
   * (measured: about 0.06 on these images).
   */
  @Test
  void process_regionDecode_matchesFullDecodeThenCropAndResize() {
    List<List<TransformSpec>> plans = List.of(
        List.of(new RandomResizedCrop(48), new HorizontalFlip(0.5)),
        List.of(new RandomResizedCrop(96, 64, 0.08, 1, 0.75, 4.0 / 3)),
        List.of(new ResizeShorter(56), new CenterCrop(48, 48)));
    for (String name : ENCODED.keySet()) {
      ByteBuffer encoded = ENCODED.get(name);
      ImageBuffer full = ImageBuffer.allocate(0);
      decoder.decode(encoded, DecodeRequest.full(new ImageHeader(W, H, "x")), full, name);
      for (List<TransformSpec> specs : plans) {
        TransformPlan plan = TransformPlan.compile(specs);
        for (long seed = 0; seed < 8; seed++) {
          CropGeometry g = plan.geometry(W, H, new SplittableRandom(seed));
          MemorySegment reference = Arena.ofAuto().allocate((long) g.outWidth() * g.outHeight() * 3);
          new Resampler().resample(full, g.x(), g.y(), g.width(), g.height(), g.outWidth(), g.outHeight(), g.flip(),
              reference);

          byte[] fused = process(specs, name, seed);

          assertThat(meanAbsDiff(fused, bytes(reference)))
              .as("%s %s seed %d geometry %s", name, specs, seed, g)
              .isLessThan(0.5);
        }
      }
    }
  }

  @Test
  void process_corruptBytes_failsWithDecodeExceptionNamingTheSource() {
    SampleProcessor processor = new SampleProcessor(decoder, TransformPlan.compile(List.of(new RandomResizedCrop(32))));
    ByteBuffer jpeg = ENCODED.get("scene.jpg");
    byte[] broken = new byte[jpeg.remaining() / 3];
    jpeg.duplicate().get(broken);

    assertThatThrownBy(() -> processor.process(ByteBuffer.wrap(broken), "train/cat/7.jpg", new SplittableRandom(0),
        Arena.ofAuto().allocate(processor.sampleBytes())))
        .isInstanceOf(DecodeException.class)
        .hasMessageStartingWith("train/cat/7.jpg");
  }

  @Test
  void process_grayImage_givesEqualChannels() {
    ByteBuffer png = GeneratedImages.png(GeneratedImages.gray(64, 48));
    SampleProcessor processor = new SampleProcessor(decoder, TransformPlan.compile(List.of(new RandomResizedCrop(24))));
    MemorySegment out = Arena.ofAuto().allocate(processor.sampleBytes());

    processor.process(png, "g.png", new SplittableRandom(5), out);

    byte[] px = bytes(out);
    for (int i = 0; i < px.length; i += 3) {
      assertThat(px[i + 1]).isEqualTo(px[i]);
      assertThat(px[i + 2]).isEqualTo(px[i]);
    }
  }

  @Test
  void enclosing_fractionalGeometry_coversItAndStaysInsideTheImage() {
    ImageHeader header = new ImageHeader(100, 80, "x");

    var region = SampleProcessor.enclosing(new CropGeometry(10.4, 5.6, 20.2, 30.1, 8, 8, false), header);
    var edge = SampleProcessor.enclosing(new CropGeometry(90.5, 70.25, 9.5, 9.75, 8, 8, true), header);

    assertThat(region).isEqualTo(new dev.stoker.api.Region(10, 5, 21, 31));
    assertThat(edge).isEqualTo(new dev.stoker.api.Region(90, 70, 10, 10));
  }
}
