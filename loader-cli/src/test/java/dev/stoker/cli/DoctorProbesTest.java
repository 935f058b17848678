package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.Bottleneck;
import dev.stoker.api.Stage;
import dev.stoker.api.StageReport;
import dev.stoker.api.StageStats;
import dev.stoker.cuda.CudaStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The measurements of {@code stoker doctor}, on a fake clock: what each computes from what it timed. */
class DoctorProbesTest {
  @TempDir
  Path dir;

  /** A clock that advances one second per reading. */
  private static LongSupplier secondPerReading() {
    AtomicLong now = new AtomicLong();
    return () -> now.getAndAdd(1_000_000_000L);
  }

  private List<Path> files(int n, int bytes) throws Exception {
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      files.add(Files.write(dir.resolve(i + ".bin"), new byte[bytes]));
    }
    return files;
  }

  @Test
  void cached_twoPassesOneTimed_ratesAreBytesAndFilesOverTheTimedSecond() throws Exception {
    List<Path> files = files(5, 3_000_000);

    ReadProbe.Rate rate = new ReadProbe(secondPerReading()).cached(files);

    assertThat(rate.measured()).isTrue();
    assertThat(rate.bytes()).isEqualTo(15_000_000);
    assertThat(rate.seconds()).isEqualTo(1.0);
    assertThat(rate.megabytesPerSecond()).isEqualTo(15.0);
    assertThat(rate.imagesPerSecond()).isEqualTo(5.0);
    assertThat(rate.method()).contains("the second of two passes");
  }

  @Test
  void cold_directReadsOrTheRefusal_readsEveryByteOrSaysWhy() throws Exception {
    List<Path> files = files(4, 3 * ReadProbe.CHUNK + 5);   // not a block multiple: the short last read ends it

    ReadProbe.Rate rate = new ReadProbe(secondPerReading()).cold(files);

    if (rate.measured()) {
      assertThat(rate.files()).isEqualTo(3);   // the first file is the O_DIRECT probe, untimed
      assertThat(rate.bytes()).isEqualTo(3L * (3 * ReadProbe.CHUNK + 5));
      assertThat(rate.imagesPerSecond()).isEqualTo(3.0);
      assertThat(rate.method()).startsWith("O_DIRECT reads (page cache bypassed)");
    } else {   // tmpfs: refused, and said so
      assertThat(rate.method()).contains("refused O_DIRECT").contains("tmpfs");
      assertThat(rate.imagesPerSecond()).isInfinite();
    }
  }

  @Test
  void cold_noFiles_notMeasuredAndSaysWhy() {
    ReadProbe.Rate rate = new ReadProbe(secondPerReading()).cold(List.of());

    assertThat(rate.measured()).isFalse();
    assertThat(rate.imagesPerSecond()).isInfinite();
    assertThat(rate.method()).contains("no regular files");
  }

  private static StageReport report(double decodeMillis, double augmentMillis, long count) {
    List<StageStats> stages = new ArrayList<>();
    stages.add(new StageStats(Stage.DECODE, count, 0, decodeMillis, 0, 0, 0));
    stages.add(new StageStats(Stage.AUGMENT, count, 0, augmentMillis, 0, 0, 0));
    return new StageReport(1, count, 0, 1, 4, stages,
        new Bottleneck(Bottleneck.Bound.DECODE, 1, 1, "decode-bound: test"));
  }

  @Test
  void recipe_meanDecodeAndAugmentTimes_perCoreRateAndAugmentShare() {
    RecipeProbe probe = RecipeProbe.from(report(2.0, 0.5, 100), "preset imagenet-train");

    assertThat(probe.perCoreImagesPerSecond()).isEqualTo(400.0);
    assertThat(probe.augmentShare()).isEqualTo(0.2);
    assertThat(probe.method()).contains("1 worker thread over the 100 sampled images (preset imagenet-train)");
  }

  @Test
  void recipe_nothingDecoded_refusesToJudge() {
    assertThatThrownBy(() -> RecipeProbe.from(report(0, 0, 0), "x"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no image of the sample decoded");
  }

  @Test
  void memory_memAvailableLine_isReadInKib() {
    String meminfo = "MemTotal:       32000000 kB\nMemFree:         1000000 kB\nMemAvailable:   20000000 kB\n";

    assertThat(MemoryProbe.memAvailableKib(meminfo)).isEqualTo(20_000_000);
    assertThat(MemoryProbe.memAvailableKib("MemTotal: 1 kB\n")).isEqualTo(-1);
  }

  @Test
  void sample_seeded_distinctRepeatableAndAllOfASmallDataset() {
    int[] a = DatasetProbe.sample(1000, 50, 19);
    int[] b = DatasetProbe.sample(1000, 50, 19);

    assertThat(a).hasSize(50).containsExactly(b).doesNotHaveDuplicates();
    assertThat(Arrays.stream(DatasetProbe.sample(7, 50, 19)).sorted().toArray()).containsExactly(0, 1, 2, 3, 4, 5, 6);
  }

  @Test
  void pixels_decodedBytes_areMeanPixelsTimesThreeTimesImages() {
    assertThat(new DatasetProbe.Pixels(1000.5, 4).decodedBytes(10)).isEqualTo(30_015);
    assertThat(new DatasetProbe.Pixels(0, 0).decodedBytes(10)).isEqualTo(-1);
  }

  @Test
  void gpu_noDriver_noFiguresAndTheReason() {
    GpuProbe gpu = GpuProbe.measure(new CudaStatus(false, "no CUDA driver", "", 0, 0, -1), secondPerReading());

    assertThat(gpu.usable()).isFalse();
    assertThat(gpu.reason()).isEqualTo("no usable GPU: no CUDA driver");
    assertThat(gpu.totalBytes()).isEqualTo(-1);
  }

  @Test
  void gpu_theStandIn_isNeverReportedAsAGpu() {
    CudaStatus standin = new CudaStatus(true, "", "Stoker CUDA stand-in #0", 13_000, 86, 0);

    GpuProbe gpu = GpuProbe.measure(standin, secondPerReading());

    assertThat(gpu.usable()).isFalse();
    assertThat(gpu.reason()).contains("stand-in").contains("nothing measured on it is a GPU figure");
    assertThat(gpu.hostToDeviceBytesPerSecond()).isZero();
  }
}
