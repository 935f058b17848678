package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.Bottleneck;
import dev.stoker.api.DecodeRequest;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.ImageHeader;
import dev.stoker.api.Stage;
import dev.stoker.api.StageReport;
import dev.stoker.api.TransformSpec;
import dev.stoker.ring.BatchRings;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The stage report end to end, with one stage made slow on purpose: the verdict, the stage means
 * and the consumer's wait share must name that stage, whichever it is. A report with decode and
 * augment swapped, or with busy time reported as waiting, gets one of the two runs wrong.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StageVerdictTest {
  private static final long SLOW_MILLIS = 15;

  /** {@link FakeSamples.Decoder}, {@link #SLOW_MILLIS} slower per decode. */
  private static final class SlowDecoder implements ImageDecoder {
    private final FakeSamples.Decoder fast = new FakeSamples.Decoder();

    @Override
    public String name() {
      return "slow-fake";
    }

    @Override
    public ImageHeader readHeader(ByteBuffer encoded, String source) {
      return fast.readHeader(encoded, source);
    }

    @Override
    public void decode(ByteBuffer encoded, DecodeRequest request, ImageBuffer destination, String source) {
      sleep(SLOW_MILLIS);
      fast.decode(encoded, request, destination, source);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static StageReport run(ImageDecoder decoder, long consumerMillis) {
    try (Loader loader = Loader.builder()
        .source(new FakeSamples.Source(32))
        .decoder(decoder)
        .transforms(List.of(new TransformSpec.Resize(FakeSamples.SIZE, FakeSamples.SIZE)))
        .batchSize(4)
        .threads(2)
        .seed(3)
        .ring(BatchRings.direct(), 2)
        .build()) {
      loader.run(0, 1, batch -> { }); // warm-up: the first samples pay for class loading and the JIT
      loader.run(1, 1, batch -> sleep(consumerMillis)); // the report covers this run alone
      return loader.stageReport();
    }
  }

  private static double mean(StageReport report, Stage stage) {
    return report.stage(stage).orElseThrow().meanMillis();
  }

  @Test
  void stageReport_slowDecoder_decodeBoundWithDecodeTheSlowStageAndTheConsumerWaiting() {
    StageReport report = run(new SlowDecoder(), 0);

    assertThat(mean(report, Stage.DECODE)).isGreaterThanOrEqualTo(SLOW_MILLIS - 1)
        .isGreaterThan(5 * mean(report, Stage.AUGMENT));
    assertThat(report.consumerWaitPercent()).isGreaterThan(50);
    assertThat(report.bottleneck().bound()).as(report.bottleneck().sentence()).isEqualTo(Bottleneck.Bound.DECODE);
    assertThat(report.bottleneck().sentence()).startsWith("decode-bound");
    assertThat(report.stage(Stage.SOURCE_WAIT).orElseThrow().count()).as("the wait for local workers is their decode")
        .isZero();
  }

  @Test
  void stageReport_slowConsumer_consumerBoundAndTheConsumerHardlyWaiting() {
    StageReport report = run(new FakeSamples.Decoder(), 3 * SLOW_MILLIS);

    assertThat(mean(report, Stage.CONSUMER)).isGreaterThanOrEqualTo(3 * SLOW_MILLIS - 1);
    assertThat(report.consumerWaitPercent()).isLessThan(50);
    assertThat(report.bottleneck().bound()).as(report.bottleneck().sentence()).isEqualTo(Bottleneck.Bound.CONSUMER);
    assertThat(report.bottleneck().sentence()).startsWith("consumer-bound");
  }
}
