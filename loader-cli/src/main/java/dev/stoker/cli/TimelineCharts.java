package dev.stoker.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The three timeline charts of a report, drawn from a {@link RunTimeline} with {@link SvgChart}:
 * images/s per stage ({@code data-chart="rates"}), the consumer's busy and waiting shares
 * ({@code "consumer"}) and the ring's fill ({@code "ring"}). Each interval is drawn as a step (its
 * value from its start to its end), so one interval is a visible segment too. The warm-up epochs
 * are a shaded band and the later epochs' starts dashed markers (up to {@link #MARKED_EPOCHS}).
 *
 * <pre>{@code
 * TimelineCharts charts = new TimelineCharts(timeline, 1);
 * String svg = charts.rates();
 * }</pre>
 */
final class TimelineCharts {
  /** Epoch starts marked at most; more would crowd the chart. */
  static final int MARKED_EPOCHS = 20;
  /** A colour per stage of {@link RunTimeline#STAGES}. */
  private static final List<String> COLORS = List.of("#8c564b", "#1f77b4", "#2ca02c", "#9467bd", "#d62728");

  private final List<RunTimeline.Point> points;
  private final List<RunTimeline.EpochStart> epochs;
  private final int warmUpEpochs;
  private final double seconds;
  private final long periodMillis;

  /**
   * Charts of {@code timeline}.
   *
   * @param warmUpEpochs the epochs at the start that were a warm-up: 0, 1, ...
   */
  TimelineCharts(RunTimeline timeline, int warmUpEpochs) {
    this.points = timeline.points();
    this.epochs = timeline.epochs();
    this.warmUpEpochs = warmUpEpochs;
    this.seconds = timeline.seconds();
    this.periodMillis = timeline.periodMillis();
  }

  /** The sampling period, e.g. {@code "every 200 ms, 42 intervals"}. */
  String period() {
    return String.format(Locale.ROOT, "every %d ms, %d intervals", periodMillis, points.size());
  }

  /** A sentence on the warm-up band, or nothing without one. */
  String warmUpNote() {
    return warmUpEpochs > 0 ? " The shaded band is the untimed warm-up epoch, which the stage table leaves out." : "";
  }

  /** The step x coordinates: each interval's start and end. */
  private double[] xs() {
    double[] x = new double[points.size() * 2];
    for (int i = 0; i < points.size(); i++) {
      x[2 * i] = points.get(i).start();
      x[2 * i + 1] = points.get(i).end();
    }
    return x;
  }

  private interface Value {
    double of(RunTimeline.Point p);
  }

  private double[] steps(Value value) {
    double[] y = new double[points.size() * 2];
    for (int i = 0; i < points.size(); i++) {
      double v = value.of(points.get(i));
      y[2 * i] = Double.isFinite(v) ? v : 0;
      y[2 * i + 1] = y[2 * i];
    }
    return y;
  }

  private SvgChart chart(String id, String title, String yLabel) {
    SvgChart chart = new SvgChart(id, title, yLabel, "seconds since the loader started").xMax(seconds);
    double warmUpEnd = Double.NaN;
    List<double[]> marks = new ArrayList<>();
    for (RunTimeline.EpochStart e : epochs) {
      if (e.epoch() == warmUpEpochs && warmUpEpochs > 0) {
        warmUpEnd = e.seconds();
      }
      if (e.seconds() > 0 && e.epoch() >= warmUpEpochs && deliveredFrom(e.seconds())) {   // not the next, unrun one
        marks.add(new double[] {e.seconds(), e.epoch()});
      }
    }
    if (warmUpEpochs > 0 && !epochs.isEmpty() && epochs.getFirst().epoch() < warmUpEpochs) {
      chart.band(epochs.getFirst().seconds(), Double.isNaN(warmUpEnd) ? seconds : warmUpEnd, "warm-up");
    }
    if (marks.size() <= MARKED_EPOCHS) {
      for (double[] m : marks) {
        chart.marker(m[0], "epoch " + (int) m[1]);
      }
    }
    return chart;
  }

  /** Whether any image was delivered after {@code seconds}: an epoch seen only as the run ended never ran. */
  private boolean deliveredFrom(double seconds) {
    int delivered = RunTimeline.STAGES.indexOf("delivered");
    return points.stream().anyMatch(p -> p.end() > seconds && p.perSecond()[delivered] > 0);
  }

  /** Images per second through each stage; a stage never timed (e.g. decode under {@code --remote}) is left out. */
  String rates() {
    SvgChart chart = chart("rates", "Images per second by stage", "images/s");
    double[] x = xs();
    for (int s = 0; s < RunTimeline.STAGES.size(); s++) {
      int stage = s;
      double[] y = steps(p -> p.perSecond()[stage]);
      boolean timed = false;
      for (double v : y) {
        timed |= v > 0;
      }
      if (timed || stage == RunTimeline.STAGES.size() - 1) {
        chart.line(RunTimeline.STAGES.get(stage), COLORS.get(stage), x, y, stage == RunTimeline.STAGES.size() - 1);
      }
    }
    return chart.toSvg();
  }

  /** The consumer's busy share and, stacked on it, its waiting share. */
  String consumer() {
    SvgChart chart = chart("consumer", "Consumer: busy and waiting", "% of the interval").yMax(100);
    double[] x = xs();
    double[] zero = new double[x.length];
    double[] busy = steps(RunTimeline.Point::busyPercent);
    double[] top = steps(p -> p.busyPercent() + p.waitPercent());
    chart.area("busy", "#2ca02c", x, zero, busy);
    chart.area("waiting", "#d62728", x, busy, top);
    return chart.toSvg();
  }

  /** The ring's mean fill, with the slot count as a dashed rule. */
  String ring() {
    int slots = points.isEmpty() ? 1 : points.getLast().ringSlots();
    SvgChart chart = chart("ring", "Ring fill", "slots in use").yMax(Math.max(1, slots));
    double[] x = xs();
    chart.area("slots in use", "#1f77b4", x, new double[x.length], steps(RunTimeline.Point::ringFill));
    chart.rule(slots, slots + " slots", "#333333");
    return chart.toSvg();
  }
}
