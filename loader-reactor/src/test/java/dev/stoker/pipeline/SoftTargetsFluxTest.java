package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.BatchTransformSpec;
import dev.stoker.api.TransformSpec;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.test.StepVerifier;

/** Soft targets of batches pulled through the Flux: readable while held, closed once released. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SoftTargetsFluxTest {
  private static Loader loader() {
    return Loader.builder()
        .source(new FakeSamples.Source(12))
        .decoder(new FakeSamples.Decoder())
        .transforms(List.of(new TransformSpec.Resize(FakeSamples.SIZE, FakeSamples.SIZE)))
        .batchTransforms(List.of(new BatchTransformSpec.MixUp(1.0)))
        .batchSize(4)
        .threads(2)
        .seed(3)
        .ring(new RecordingRing.Factory(), 2)
        .build();
  }

  @Test
  void flux_heldBatch_softTargetsReadableThenThrowAfterRelease() {
    List<HeldBatch> seen = new ArrayList<>();
    List<MemorySegment> kept = new ArrayList<>();
    try (Loader loader = loader()) {
      StepVerifier.create(loader.flux(1), 0)
          .thenRequest(1)
          .consumeNextWith(b -> {
            assertThat(b.softTargets().byteSize()).isEqualTo(4L * 3 * Float.BYTES);
            float sum = 0;
            for (int c = 0; c < 3; c++) {
              sum += b.softTargets().getAtIndex(ValueLayout.JAVA_FLOAT, c);
            }
            assertThat(sum).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-6f));
            kept.add(b.softTargets());
            seen.add(b);
          })
          .then(() -> seen.getFirst().release())
          .thenCancel()
          .verify(Duration.ofSeconds(30));
    }
    HeldBatch released = seen.getFirst();
    assertThat(released.released()).isTrue();
    assertThatThrownBy(released::softTargets).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("was released");
    assertThatThrownBy(() -> kept.getFirst().get(ValueLayout.JAVA_FLOAT, 0)).isInstanceOf(IllegalStateException.class);
  }
}
