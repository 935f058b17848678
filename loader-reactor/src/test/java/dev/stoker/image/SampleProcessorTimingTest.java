package dev.stoker.image;

import dev.stoker.decode.ImageDecoders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.DecodeException;
import dev.stoker.api.DecodeRequest;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.ImageHeader;
import dev.stoker.api.TransformSpec;
import dev.stoker.api.TransformSpec.RandomResizedCrop;
import dev.stoker.api.TransformSpec.Resize;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The processor's optional timer: once per sample, decoding told apart from the rest. */
class SampleProcessorTimingTest {
  private static final ByteBuffer JPEG = GeneratedImages.jpeg(GeneratedImages.scene(64, 48));
  private static final long SPIN_NANOS = 2_000_000;

  /** The ImageIO decoder that also busy-waits {@link #SPIN_NANOS} in every decode. */
  private static final class SpinningDecoder implements ImageDecoder {
    private final ImageDecoder inner = new ImageIoDecoder(ImageDecoders.DEFAULT_MAX_PIXELS);

    @Override
    public String name() {
      return "spinning";
    }

    @Override
    public ImageHeader readHeader(ByteBuffer encoded, String source) {
      return inner.readHeader(encoded, source);
    }

    @Override
    public void decode(ByteBuffer encoded, DecodeRequest request, ImageBuffer destination, String source) {
      long until = System.nanoTime() + SPIN_NANOS;
      inner.decode(encoded, request, destination, source);
      while (System.nanoTime() < until) {
        Thread.onSpinWait();
      }
    }
  }

  private static MemorySegment out(SampleProcessor processor) {
    return Arena.ofAuto().allocate(processor.sampleBytes());
  }

  @Test
  void process_withTimer_toldOncePerSampleWithTheDecodersTimeAsDecode() {
    List<long[]> told = new ArrayList<>();
    SampleProcessor processor = new SampleProcessor(new SpinningDecoder(),
        TransformPlan.compile(List.of(new RandomResizedCrop(16))), (d, a) -> told.add(new long[] {d, a}));
    MemorySegment out = out(processor);

    for (int i = 0; i < 3; i++) {
      processor.process(JPEG, "scene.jpg", new SplittableRandom(i), out);
    }

    assertThat(told).hasSize(3).allSatisfy(t -> {
      assertThat(t[0]).isGreaterThanOrEqualTo(SPIN_NANOS);
      assertThat(t[1]).isNotNegative();
    });
  }

  @Test
  void process_withTimerAndUndecodableBytes_throwsAndTellsNothing() {
    List<long[]> told = new ArrayList<>();
    SampleProcessor processor = new SampleProcessor(new ImageIoDecoder(ImageDecoders.DEFAULT_MAX_PIXELS),
        TransformPlan.compile(List.of(new Resize(8, 8))), (d, a) -> told.add(new long[] {d, a}));

    assertThatThrownBy(() -> processor.process(ByteBuffer.wrap(new byte[] {1, 2, 3}), "bad.jpg",
        new SplittableRandom(1), out(processor))).isInstanceOf(DecodeException.class).hasMessageContaining("bad.jpg");
    assertThat(told).isEmpty();
  }

  @Test
  void process_withAndWithoutTimer_sameBytes() {
    List<TransformSpec> specs = List.of(new RandomResizedCrop(16));
    SampleProcessor plain = new SampleProcessor(new SpinningDecoder(), TransformPlan.compile(specs));
    SampleProcessor timed = new SampleProcessor(new SpinningDecoder(), TransformPlan.compile(specs), (d, a) -> { });
    MemorySegment a = out(plain);
    MemorySegment b = out(timed);

    plain.process(JPEG, "scene.jpg", new SplittableRandom(7), a);
    timed.process(JPEG, "scene.jpg", new SplittableRandom(7), b);

    assertThat(b.mismatch(a)).isEqualTo(-1);
  }
}
