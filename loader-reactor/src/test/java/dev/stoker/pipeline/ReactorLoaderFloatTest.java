package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.stoker.api.BatchLayout;
import dev.stoker.api.ElementType;
import dev.stoker.api.RunSummary;
import dev.stoker.api.TransformSpec;
import dev.stoker.image.TransformPlan;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A plan ending in Normalize makes float32 batches: the layout, the slot size and the values. Runs
 * once the image package implements Normalize (branch {@code geom}); skipped before.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReactorLoaderFloatTest {
  private static final List<TransformSpec> NORMALIZED = List.of(
      new TransformSpec.Resize(FakeSamples.SIZE, FakeSamples.SIZE),
      new TransformSpec.Normalize(List.of(0.5, 0.25, 0.0), List.of(0.5, 0.25, 1.0)));

  private static boolean normalizeCompiles() {
    try {
      return TransformPlan.compile(NORMALIZED).floatOutput();
    } catch (UnsupportedOperationException e) {
      return false;
    }
  }

  @Test
  void run_normalizePlan_deliversFloat32SamplesOfTheNormalizedValues() {
    Assumptions.assumeTrue(normalizeCompiles(), "Normalize is not implemented on this branch yet");
    RecordingRing.Factory rings = new RecordingRing.Factory();
    List<float[]> firstSamples = new ArrayList<>();
    List<Integer> firstIndices = new ArrayList<>();
    RunSummary summary;
    try (Loader loader = Loader.builder()
        .source(new FakeSamples.Source(6))
        .decoder(new FakeSamples.Decoder())
        .transforms(NORMALIZED)
        .batchSize(4)
        .threads(2)
        .ring(rings, 2)
        .build()) {
      assertThat(loader.layout())
          .isEqualTo(new BatchLayout(4, FakeSamples.SIZE, FakeSamples.SIZE, 3, ElementType.FLOAT32, 0));
      summary = loader.run(1, batch -> {
        long bytes = batch.layout().sampleBytes();
        assertThat(batch.pixels().byteSize()).isEqualTo(batch.size() * bytes);
        for (int p = 0; p < batch.size(); p++) {
          firstIndices.add(batch.sampleIndex(p));
          firstSamples.add(batch.pixels().asSlice(p * bytes, bytes).toArray(ValueLayout.JAVA_FLOAT));
        }
      });
    }

    assertThat(summary.delivered()).isEqualTo(6);
    for (int s = 0; s < firstSamples.size(); s++) {
      double v = (FakeSamples.value(firstIndices.get(s)) & 0xFF) / 255.0;
      float[] pixel = firstSamples.get(s);
      assertThat(pixel[0]).isCloseTo((float) ((v - 0.5) / 0.5), within(1e-4f));
      assertThat(pixel[1]).isCloseTo((float) ((v - 0.25) / 0.25), within(1e-4f));
      assertThat(pixel[2]).isCloseTo((float) v, within(1e-4f));
    }
  }
}
