package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.BatchLayout;
import dev.stoker.pipeline.BottleneckRules.Context;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the stage reports hand the advice beside the timings: the machine, the output, the dataset's size. */
class StageReportsTest {
  private static final long GIB = 1L << 30;
  private final PipelineMetrics metrics = new PipelineMetrics(null, null, 2);
  private final RecordingRing ring = new RecordingRing(new BatchLayout(8, 32, 48, 3), 2);

  @AfterEach
  void close() {
    ring.close();
    metrics.close();
  }

  private StageReports reports(int datasetSize, boolean remote) {
    return new StageReports(metrics, ring, 2, 0, () -> new Machine(6, 16 * GIB), datasetSize, remote);
  }

  @Test
  void context_readsOfALocalDataset_encodedBytesAreTheMeanReadTimesTheSamples() {
    Context c = reports(1_000, false).context(10, 1_500_000, 0, 0);

    assertThat(c).isEqualTo(new Context(6, 16 * GIB, 150_000_000, 32 * 48, false, 0));
  }

  @Test
  void context_decodedSamples_meanSourcePixelsIsTheirPixelsOverTheirCount() {
    Context c = reports(1_000, false).context(10, 1_500_000, 4, 1_000_000);

    assertThat(c.meanSourcePixels()).isEqualTo(250_000.0);
    assertThat(reports(1_000, false).context(10, 1_500_000, 0, 0).meanSourcePixels()).isZero();
  }

  @Test
  void sample_withTheSourceSize_summedForTheAdvice() {
    metrics.sample(1_000, 2_000, 300_000);
    metrics.sample(1_000, 2_000, 200_000);
    metrics.sample(1_000, 2_000);

    assertThat(metrics.sourcePixels()).isEqualTo(500_000);
  }

  @Test
  void context_noReadsYet_encodedBytesUnknown() {
    assertThat(reports(1_000, false).context(0, 0, 0, 0).datasetEncodedBytes()).isEqualTo(-1);
  }

  @Test
  void context_remote_encodedBytesUnknownAndRemote() {
    Context c = reports(-1, true).context(0, 0, 0, 0);

    assertThat(c.datasetEncodedBytes()).isEqualTo(-1);
    assertThat(c.remote()).isTrue();
  }

  @Test
  void readBytes_readsWithTheirSizes_summed() {
    metrics.read(1_000, 2_000);
    metrics.read(1_000, 4_000);
    metrics.read(1_000);   // a read without its size adds nothing

    assertThat(metrics.readBytes()).isEqualTo(6_000);
  }

  @Test
  void memAvailable_meminfo_bytesOfTheMemAvailableLine(@TempDir Path dir) throws Exception {
    Path meminfo = dir.resolve("meminfo");
    Files.writeString(meminfo, "MemTotal:       16316412 kB\nMemFree:         1234 kB\nMemAvailable:    8000000 kB\n");

    assertThat(Machine.memAvailable(meminfo)).isEqualTo(8_000_000L * 1024);
  }

  @Test
  void memAvailable_noSuchLineOrFile_unknown(@TempDir Path dir) throws Exception {
    Path meminfo = dir.resolve("meminfo");
    Files.writeString(meminfo, "MemTotal: 1 kB\n");

    assertThat(Machine.memAvailable(meminfo)).isEqualTo(-1);
    assertThat(Machine.memAvailable(dir.resolve("absent"))).isEqualTo(-1);
  }

  @Test
  void current_thisMachine_coresOfTheJvm() {
    assertThat(Machine.current().cores()).isEqualTo(Runtime.getRuntime().availableProcessors());
  }
}
