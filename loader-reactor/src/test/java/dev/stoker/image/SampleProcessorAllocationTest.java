package dev.stoker.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.decode.ImageDecoders;
import dev.stoker.pipeline.Presets;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A sample's CPU in the decode workers includes what it allocates: in steady state, processing one
 * image of the ImageNet training recipe (RandomResizedCrop 224 and a flip) allocates only small
 * objects (the geometry, the decode request, segment views), under 600 bytes, on the calling thread:
 * no message strings or capturing lambdas for checks that pass, no views of the taps. With the
 * native decoder and resampler (skipped without them: the ImageIO path allocates its rasters).
 */
class SampleProcessorAllocationTest {
  private static final ByteBuffer JPEG = direct(GeneratedImages.jpeg(GeneratedImages.scene(500, 375)));

  private static ByteBuffer direct(ByteBuffer heap) {
    ByteBuffer d = ByteBuffer.allocateDirect(heap.remaining());
    d.put(heap.duplicate()).flip();
    return d;
  }

  @Test
  void process_imagenetTrainSteadyState_allocatesUnder600BytesPerSample() {
    NativeTestSupport.nativeOrSkip(); // skipped where the native library is absent
    SampleProcessor processor = new SampleProcessor(ImageDecoders.best(), TransformPlan.compile(Presets.imagenetTrain(224)));
    MemorySegment out = Arena.ofAuto().allocate(processor.sampleBytes());
    SplittableRandom[] randoms = new SplittableRandom[2000];
    for (int i = 0; i < randoms.length; i++) {
      randoms[i] = new SplittableRandom(i);
    }
    for (int i = 0; i < 500; i++) { // the scratch grows to its size, the code warms up
      processor.process(JPEG, "scene.jpg", new SplittableRandom(i), out);
    }
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();

    for (SplittableRandom random : randoms) {
      processor.process(JPEG, "scene.jpg", random, out);
    }

    long perSample = (threads.getCurrentThreadAllocatedBytes() - before) / randoms.length;
    assertThat(perSample).as("bytes allocated per sample").isLessThan(600);
  }
}
