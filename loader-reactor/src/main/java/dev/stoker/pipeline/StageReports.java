package dev.stoker.pipeline;

import dev.stoker.api.BatchRing;
import dev.stoker.api.Bottleneck;
import dev.stoker.api.RingStats;
import dev.stoker.api.Stage;
import dev.stoker.api.StageReport;
import dev.stoker.api.StageStats;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Turns a loader's meters into the {@link StageReport} of its current or last run: marks where each
 * run starts and ends and reports the difference, so a warm-up run does not blur the next one: counts,
 * means and percentiles cover the same samples. The list stage, timed once per source, is reported
 * over the loader's life. The verdict carries the advice ({@link BottleneckRules#judge(BottleneckRules.Timings,
 * BottleneckRules.Context)}): the context is the machine now, the output's pixels and the dataset's encoded
 * bytes estimated as its sample count times the run's mean bytes per read.
 */
final class StageReports {
  private final PipelineMetrics metrics;
  private final BatchRing ring;
  private final int workers;
  private final int readConcurrency;
  private final Supplier<Machine> machine;
  private final int datasetSize;
  private final boolean remote;
  private volatile Mark start;
  private volatile Mark end;
  private double adviceTarget = Double.NaN;

  /**
   * @param readConcurrency reads at once on their own threads, or 0 when the decode workers read
   */
  StageReports(PipelineMetrics metrics, BatchRing ring, int workers, int readConcurrency) {
    this(metrics, ring, workers, readConcurrency, Machine::current, -1, false);
  }

  /**
   * @param readConcurrency reads at once on their own threads, or 0 when the decode workers read
   * @param machine the machine's cores and free memory, asked at each report
   * @param datasetSize samples in the dataset, or -1 when unknown
   * @param remote whether the samples come from data-server nodes
   */
  StageReports(PipelineMetrics metrics, BatchRing ring, int workers, int readConcurrency, Supplier<Machine> machine,
      int datasetSize, boolean remote) {
    this.metrics = metrics;
    this.ring = ring;
    this.workers = workers;
    this.readConcurrency = readConcurrency;
    this.machine = machine;
    this.datasetSize = datasetSize;
    this.remote = remote;
    this.start = mark();
  }

  /** The counters at one moment. */
  private record Mark(long nanoTime, long[] counts, double[] nanos, long[][] histograms, long delivered, long fills,
      double fillTotal, RingStats ring, long readBytes, long sourcePixels) {}

  private Mark mark() {
    metrics.flush();
    Stage[] all = Stage.values();
    long[] counts = new long[all.length];
    double[] nanos = new double[all.length];
    long[][] histograms = new long[all.length][];
    for (Stage s : all) {
      counts[s.ordinal()] = metrics.count(s);
      nanos[s.ordinal()] = metrics.totalNanos(s);
      histograms[s.ordinal()] = metrics.histogram(s);
    }
    return new Mark(System.nanoTime(), counts, nanos, histograms, metrics.delivered(), metrics.fillCount(), metrics.fillTotal(),
        ring.stats(), metrics.readBytes(), metrics.sourcePixels());
  }

  /** Judges the advice against {@code imagesPerSecond} instead of the consumer's rate (NaN: the consumer's). */
  void adviceTarget(double imagesPerSecond) {
    this.adviceTarget = imagesPerSecond;
  }

  void runStarted() {
    end = null;
    start = mark();
  }

  void runEnded() {
    end = mark();
  }

  /** The report of the run in progress, or of the last one; before any run, of the loader's life so far. */
  StageReport report() {
    Mark from = start;
    Mark to = end != null ? end : mark();
    double seconds = (to.nanoTime() - from.nanoTime()) / 1e9;
    List<StageStats> stages = new ArrayList<>();
    for (Stage s : Stage.values()) {
      int i = s.ordinal();
      long count = s == Stage.LIST ? to.counts()[i] : to.counts()[i] - from.counts()[i];
      double nanos = s == Stage.LIST ? to.nanos()[i] : to.nanos()[i] - from.nanos()[i];
      long[] before = s == Stage.LIST ? null : from.histograms()[i];
      stages.add(stats(s, count, nanos, seconds, before, to.histograms()[i]));
    }
    long delivered = to.delivered() - from.delivered();
    long fills = to.fills() - from.fills();
    double meanFill = fills == 0 ? 0 : (to.fillTotal() - from.fillTotal()) / fills;
    double wait = to.ring().minus(from.ring()).consumerWaitPercent();
    Bottleneck verdict = BottleneckRules.judge(new BottleneckRules.Timings(workers, readConcurrency,
        ring.layout().batchSize(), mean(stages, Stage.READ), mean(stages, Stage.DECODE), mean(stages, Stage.AUGMENT),
        mean(stages, Stage.COLLATE), mean(stages, Stage.CONSUMER), delivered, wait, mean(stages, Stage.SOURCE_WAIT)),
        context(stages.get(Stage.READ.ordinal()).count(), to.readBytes() - from.readBytes(),
            stages.get(Stage.DECODE.ordinal()).count(), to.sourcePixels() - from.sourcePixels()), adviceTarget);
    return new StageReport(seconds, delivered, wait, meanFill, ring.slots(), stages, verdict);
  }

  /**
   * What the advice needs beside the timings: the machine now, the output's pixels, the dataset's
   * encoded bytes, the mean source image's pixels ({@code sourcePixels} over {@code decodes}, 0 when
   * nothing was decoded here).
   */
  BottleneckRules.Context context(long reads, long readBytes, long decodes, long sourcePixels) {
    Machine m = machine.get();
    long encoded = reads > 0 && datasetSize > 0 && readBytes > 0
        ? Math.round((double) readBytes / reads * datasetSize) : -1;
    long outputPixels = (long) ring.layout().height() * ring.layout().width();
    double meanSourcePixels = decodes > 0 && sourcePixels > 0 ? (double) sourcePixels / decodes : 0;
    return new BottleneckRules.Context(m.cores(), m.memoryAvailableBytes(), encoded, outputPixels, remote, 0,
        meanSourcePixels);
  }

  /** One stage's stats; its percentiles over the samples counted by {@code to} less {@code from}. */
  private static StageStats stats(Stage stage, long count, double nanos, double seconds, long[] from, long[] to) {
    double p50 = StageHistogram.percentile(from, to, 0.5) / 1e6;
    double p95 = StageHistogram.percentile(from, to, 0.95) / 1e6;
    double p99 = StageHistogram.percentile(from, to, 0.99) / 1e6;
    return new StageStats(stage, count, seconds > 0 && stage != Stage.LIST ? count / seconds : 0,
        count > 0 ? nanos / count / 1e6 : 0, p50, p95, p99);
  }

  /** The stage's mean time in nanoseconds, 0 when it never ran. */
  private static double mean(List<StageStats> stages, Stage stage) {
    return stages.get(stage.ordinal()).meanMillis() * 1e6;
  }
}
