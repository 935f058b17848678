package dev.stoker.cuda.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** How the per-step record becomes a report: loss windows, the last epoch's accuracy and chance. */
class StepLogTest {
  @Test
  void report_sevenStepsOverTwoEpochs_averagesWindowsAndLastEpoch() {
    StepLog log = new StepLog();
    // epoch 0: four steps of 2 samples; epoch 1: three steps of 3, 3 and 1 samples
    int[][] labels = {{0, 1}, {1, 1}, {2, 0}, {1, 2}, {0, 0, 1}, {2, 0, 0}, {1}};
    int[] epochs = {0, 0, 0, 0, 1, 1, 1};
    float[] losses = {4, 3, 2, 2, 3, 1.5f, 0.25f};
    float[] correct = {0, 1, 1, 2, 2, 3, 0};
    for (int s = 0; s < labels.length; s++) {
      int step = log.add(epochs[s], labels[s].length, labels[s], 3);
      log.stats(step, losses[s], correct[s]);
    }

    TrainingReport report = log.report();

    assertThat(report.steps()).isEqualTo(7);
    assertThat(report.epochs()).isEqualTo(2);
    assertThat(report.lossStart()).isCloseTo((4 + 3 + 2 + 2 + 3) / 11.0, within(1e-12));
    assertThat(report.lossEnd()).isCloseTo((2 + 2 + 3 + 1.5 + 0.25) / 11.0, within(1e-12));
    assertThat(report.accuracy()).isCloseTo(5 / 7.0, within(1e-12));
    assertThat(report.chance()).isCloseTo(4 / 7.0, within(1e-12)); // label 0: 4 of epoch 1's 7 samples
  }

  @Test
  void report_fewerStepsThanWindow_usesEveryStepForBoth() {
    StepLog log = new StepLog();
    log.stats(log.add(3, 2, new int[] {1, 1}, 2), 1.0f, 1);
    log.stats(log.add(3, 2, new int[] {0, 1}, 2), 0.5f, 2);

    TrainingReport report = log.report();

    assertThat(report.lossStart()).isEqualTo(report.lossEnd()).isCloseTo(1.5 / 4, within(1e-12));
    assertThat(report.accuracy()).isEqualTo(0.75);
    assertThat(report.chance()).isEqualTo(0.75);
    assertThat(report.epochs()).isEqualTo(1);
  }

  @Test
  void add_manySteps_growsAndKeepsOrder() {
    StepLog log = new StepLog();
    for (int s = 0; s < 1000; s++) {
      log.stats(log.add(s / 100, 1, new int[] {s % 2}, 2), s, 1);
    }

    TrainingReport report = log.report();

    assertThat(report.steps()).isEqualTo(1000);
    assertThat(report.epochs()).isEqualTo(10);
    assertThat(report.lossEnd()).isEqualTo((995 + 996 + 997 + 998 + 999) / 5.0);
    assertThat(report.chance()).isEqualTo(0.5);
  }
}
