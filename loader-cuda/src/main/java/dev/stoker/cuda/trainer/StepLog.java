package dev.stoker.cuda.trainer;

import java.util.Arrays;

/**
 * The reference trainer's per-step record: epoch and batch size when the step is taken, its loss
 * sum and correct count when known (at once on the host, after a drain of the device's stats on
 * the GPU), and the label counts of the latest epoch (a change of epoch between consecutive steps starts a new one). Turns it into a {@link TrainingReport}.
 * Not thread-safe.
 */
final class StepLog {
  /** Steps averaged for {@link TrainingReport#lossStart()} and {@link TrainingReport#lossEnd()}. */
  static final int LOSS_WINDOW = 5;

  private int[] epoch = new int[64];
  private int[] size = new int[64];
  private float[] loss = new float[64];
  private float[] correct = new float[64];
  private int steps;
  private int epochs;
  private long[] labelCounts = new long[0];

  /**
   * Records a step of {@code n} samples of {@code epoch} with their labels (all in
   * {@code [0, classes)}); its loss and correct count follow with {@link #stats}.
   *
   * @return the step's index
   */
  int add(int epoch, int n, int[] labels, int classes) {
    if (steps == this.epoch.length) {
      int capacity = steps * 2;
      this.epoch = Arrays.copyOf(this.epoch, capacity);
      size = Arrays.copyOf(size, capacity);
      loss = Arrays.copyOf(loss, capacity);
      correct = Arrays.copyOf(correct, capacity);
    }
    if (steps == 0 || epoch != this.epoch[steps - 1]) {
      epochs++;
      labelCounts = new long[classes];
    }
    for (int b = 0; b < n; b++) {
      labelCounts[labels[b]]++;
    }
    this.epoch[steps] = epoch;
    size[steps] = n;
    loss[steps] = Float.NaN;
    correct[steps] = Float.NaN;
    return steps++;
  }

  /** Sets step {@code step}'s loss sum and number of correct predictions. */
  void stats(int step, float lossSum, float correctCount) {
    loss[step] = lossSum;
    correct[step] = correctCount;
  }

  /** The steps recorded. */
  int steps() {
    return steps;
  }

  /** The report over every step recorded; every step's stats must be set. */
  TrainingReport report() {
    if (steps == 0) {
      return new TrainingReport(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
    }
    int window = Math.min(LOSS_WINDOW, steps);
    int last = epoch[steps - 1];
    double hits = 0;
    long samples = 0;
    for (int s = steps - 1; s >= 0 && epoch[s] == last; s--) {
      hits += correct[s];
      samples += size[s];
    }
    long top = Arrays.stream(labelCounts).max().orElse(0);
    return new TrainingReport(steps, meanLoss(0, window), meanLoss(steps - window, steps), hits / samples,
        (double) top / samples, epochs);
  }

  private double meanLoss(int from, int to) {
    double sum = 0;
    long samples = 0;
    for (int s = from; s < to; s++) {
      sum += loss[s];
      samples += size[s];
    }
    return sum / samples;
  }
}
