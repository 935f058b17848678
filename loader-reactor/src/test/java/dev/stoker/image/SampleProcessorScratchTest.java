package dev.stoker.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.TransformSpec;
import dev.stoker.api.TransformSpec.Resize;
import dev.stoker.api.TransformSpec.Rotate;
import dev.stoker.decode.ImageDecoders;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The per-thread scratch of the renderer is bounded: after a sample from a large image, a thread
 * keeps at most {@code maxScratchBytes} (the decoded region of a 2400x1600 PNG alone is 11.5 MB),
 * the pixels are the same as without the bound, and a small image afterwards does not grow it back
 * past the bound. Run on this test's own thread, where the renderer lives.
 */
class SampleProcessorScratchTest {
  private static final ByteBuffer LARGE = GeneratedImages.png(GeneratedImages.scene(2400, 1600));
  private static final ByteBuffer SMALL = GeneratedImages.png(GeneratedImages.scene(120, 90));
  private static final long BOUND = 4L << 20;

  private final ImageIoDecoder decoder = new ImageIoDecoder(ImageDecoders.DEFAULT_MAX_PIXELS);

  private static byte[] run(SampleProcessor processor, ByteBuffer image) {
    MemorySegment out = Arena.ofAuto().allocate(processor.sampleBytes());
    processor.process(image, "scene.png", new SplittableRandom(3), out);
    return GeneratedImages.bytes(out);
  }

  private SampleProcessor processor(List<TransformSpec> specs, long maxScratchBytes) {
    return new SampleProcessor(decoder, TransformPlan.compile(specs), null, maxScratchBytes);
  }

  @Test
  void process_largeImage_threadKeepsAtMostMaxScratchBytesAndSamePixels() {
    List<List<TransformSpec>> plans = List.of(List.of(new Resize(64, 48)), List.of(new Resize(64, 48), new Rotate(17)));
    for (List<TransformSpec> specs : plans) { // the separable resampler, then the warp
      byte[] unbounded = run(processor(specs, Long.MAX_VALUE), LARGE);
      assertThat(SampleProcessor.threadScratchBytes()).as("negative control: without a bound the scratch stays")
          .isGreaterThan(2400L * 1600 * 3);

      SampleProcessor bounded = processor(specs, BOUND);
      assertThat(run(bounded, LARGE)).as("same pixels").isEqualTo(unbounded);
      assertThat(SampleProcessor.threadScratchBytes()).isLessThanOrEqualTo(BOUND);
      run(bounded, SMALL);
      assertThat(SampleProcessor.threadScratchBytes()).isLessThanOrEqualTo(BOUND);
    }
  }

  @Test
  void process_smallImagesWithinTheBound_scratchKeptBetweenSamples() {
    SampleProcessor processor = processor(List.of(new Resize(64, 48)), BOUND);
    run(processor, SMALL);
    long kept = SampleProcessor.threadScratchBytes();
    run(processor, SMALL);
    assertThat(SampleProcessor.threadScratchBytes()).as("steady state: nothing dropped or reallocated")
        .isEqualTo(kept);
  }

  @Test
  void constructor_negativeMaxScratchBytes_namesTheParameter() {
    assertThatThrownBy(() -> processor(List.of(new Resize(8, 8)), -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxScratchBytes");
  }
}
