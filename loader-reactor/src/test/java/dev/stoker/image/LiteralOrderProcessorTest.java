package dev.stoker.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.ImageHeader;
import dev.stoker.api.TransformSpec;
import dev.stoker.api.TransformSpec.ColorJitter;
import dev.stoker.api.TransformSpec.HorizontalFlip;
import dev.stoker.api.TransformSpec.RandomResizedCrop;
import dev.stoker.api.TransformSpec.Rotate;
import dev.stoker.decode.ImageDecoders;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The literal-order executor: the steps one after another at the resolution each receives. */
class LiteralOrderProcessorTest {
  private static final int W = 96;
  private static final int H = 72;
  /** A colour jitter and a rotation before the crop: the recipe of issue 19's measurement. */
  private static final List<TransformSpec> RECIPE = List.of(new ColorJitter(0.4, 0.4, 0.4, 0),
      new Rotate(-10, 10, 1.0, 0), new RandomResizedCrop(24), new HorizontalFlip(1.0));
  private static final ImageDecoder DECODER = RawImage.accepting(ImageDecoders.best());

  private static ByteBuffer raw(long seed) {
    byte[] rgb = GeneratedImages.rgb(GeneratedImages.noise(W, H, seed));
    ImageBuffer image = ImageBuffer.allocate(0);
    MemorySegment.copy(MemorySegment.ofArray(rgb), 0, image.reshape(W, H, 3), 0, rgb.length);
    return RawImage.encode(image);
  }

  private static byte[] literal(LiteralOrderProcessor p, ByteBuffer encoded, SplittableRandom random) {
    MemorySegment out = Arena.ofAuto().allocate(p.plan().sampleBytes());
    p.process(encoded, "img", random, out);
    return GeneratedImages.bytes(out);
  }

  /** The same steps, written out one after another with the project's ops and the same draws. */
  private static byte[] byHand(ByteBuffer encoded, SplittableRandom random) {
    ImageBuffer current = ImageBuffer.allocate(0);
    ImageHeader header = DECODER.readHeader(encoded, "img");
    DECODER.decode(encoded, dev.stoker.api.DecodeRequest.full(header), current, "img");
    // 1. ColorJitter on the whole image
    new OutputSteps(List.of(RECIPE.get(0))).apply(current.pixels(), W, H, null, random, "img");
    GeometryRenderer renderer = new GeometryRenderer();
    LiteralOrderProcessor.HeldImage held = new LiteralOrderProcessor.HeldImage();
    // 2.-4. each geometric step on the image the one before left
    for (TransformSpec spec : RECIPE.subList(1, 4)) {
      int w = current.width();
      int h = current.height();
      CropGeometry g = TransformPlan.step(CropGeometry.identity(w, h), spec, random, null);
      ImageBuffer next = ImageBuffer.allocate(0);
      held.image = current;
      renderer.render(held, ByteBuffer.allocate(0), "img", new ImageHeader(w, h, "rgb"), g,
          next.reshape(g.outWidth(), g.outHeight(), 3), true);
      current = next;
    }
    return GeneratedImages.bytes(current);
  }

  @Test
  void process_jitterRotateCropFlip_equalsTheStepsAppliedOneAfterAnother() {
    LiteralOrderProcessor p = new LiteralOrderProcessor(DECODER, TransformPlan.compile(RECIPE), null);
    ByteBuffer encoded = raw(3);

    byte[] got = literal(p, encoded, new SplittableRandom(11));

    assertThat(got).hasSize(24 * 24 * 3).isEqualTo(byHand(encoded, new SplittableRandom(11)));
  }

  @Test
  void process_jitterBeforeTheCrop_differsFromStokersFoldedPlan() {
    TransformPlan plan = TransformPlan.compile(RECIPE);
    ByteBuffer encoded = raw(3);
    MemorySegment folded = Arena.ofAuto().allocate(plan.sampleBytes());
    new SampleProcessor(DECODER, plan).process(encoded, "img", new SplittableRandom(11), folded);

    byte[] got = literal(new LiteralOrderProcessor(DECODER, plan, null), encoded, new SplittableRandom(11));

    assertThat(got).isNotEqualTo(GeneratedImages.bytes(folded));
  }

  @Test
  void process_onlyACrop_equalsStokersPlanOnAnUnscaledDecode() {
    // nothing to reorder, and a raw image is never decoded at a DCT scale: the two paths meet
    TransformPlan plan = TransformPlan.compile(List.of(new RandomResizedCrop(24)));
    ByteBuffer encoded = raw(5);
    MemorySegment folded = Arena.ofAuto().allocate(plan.sampleBytes());
    new SampleProcessor(DECODER, plan).process(encoded, "img", new SplittableRandom(2), folded);

    byte[] got = literal(new LiteralOrderProcessor(DECODER, plan, null), encoded, new SplittableRandom(2));

    assertThat(got).isEqualTo(GeneratedImages.bytes(folded));
  }

  @Test
  void process_sameSeedsOnFourThreads_sameBytesAsOneThread() throws Exception {
    LiteralOrderProcessor p = new LiteralOrderProcessor(DECODER, TransformPlan.compile(RECIPE), null);
    List<ByteBuffer> images = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      images.add(raw(i));
    }
    List<byte[]> serial = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      serial.add(literal(p, images.get(i), new SplittableRandom(100 + i)));
    }
    List<byte[]> parallel = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      List<Future<byte[]>> futures = new ArrayList<>();
      for (int i = images.size() - 1; i >= 0; i--) {   // reverse order: the threads interleave differently
        int index = i;
        futures.addFirst(pool.submit(() -> literal(p, images.get(index).duplicate(), new SplittableRandom(100 + index))));
      }
      for (Future<byte[]> f : futures) {
        parallel.add(f.get());
      }
    }
    // negative control: one generator shared in another order gives other bytes, so the check can fail
    SplittableRandom shared = new SplittableRandom(100);
    List<byte[]> sharedReversed = new ArrayList<>();
    for (int i = images.size() - 1; i >= 0; i--) {
      sharedReversed.addFirst(literal(p, images.get(i), shared));
    }

    for (int i = 0; i < images.size(); i++) {
      assertThat(parallel.get(i)).as("sample %d", i).isEqualTo(serial.get(i));
    }
    assertThat(sameAll(sharedReversed, serial)).as("negative control").isFalse();
  }

  private static boolean sameAll(List<byte[]> a, List<byte[]> b) {
    for (int i = 0; i < a.size(); i++) {
      if (!Arrays.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  @Test
  void process_outTooSmall_throwsNamingOut() {
    LiteralOrderProcessor p = new LiteralOrderProcessor(DECODER, TransformPlan.compile(RECIPE), null);

    assertThatThrownBy(() -> p.process(raw(1), "img", new SplittableRandom(1), Arena.ofAuto().allocate(10)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out");
  }
}
