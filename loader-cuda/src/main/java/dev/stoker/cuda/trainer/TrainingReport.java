package dev.stoker.cuda.trainer;

/**
 * What {@link ReferenceTrainer#report()} measured over a run: evidence that images and labels
 * arrived intact and aligned. On learnable data the loss falls and the accuracy rises clearly above
 * chance; with labels shuffled against their images it stays near chance.
 *
 * <pre>{@code
 * TrainingReport r = trainer.report();
 * System.out.printf("loss_start=%.4f loss_end=%.4f accuracy=%.3f chance=%.3f%n",
 *     r.lossStart(), r.lossEnd(), r.accuracy(), r.chance());
 * }</pre>
 *
 * <p>With no steps every figure is {@code NaN} and the counts are 0.
 *
 * @param steps the training steps (batches) taken
 * @param lossStart the mean per-sample cross-entropy loss over the first {@code min(5, steps)} steps
 *     (total loss of those steps' samples divided by their number of samples)
 * @param lossEnd the same mean over the last {@code min(5, steps)} steps
 * @param accuracy the fraction of the last epoch's samples (the epoch of the last step) whose
 *     prediction, made before the step's update, was their label
 * @param chance the share of the most frequent label among the last epoch's samples: the accuracy
 *     of always guessing that label
 * @param epochs the number of distinct epochs the steps came from
 */
public record TrainingReport(long steps, double lossStart, double lossEnd, double accuracy, double chance, int epochs) {
  /**
   * Whether the loss fell and the accuracy beat chance by at least {@code margin} (e.g. 0.1).
   *
   * @param margin the accuracy above chance required, e.g. 0.1
   * @return {@code true} if {@code lossEnd < lossStart} and {@code accuracy >= chance + margin}
   */
  public boolean learned(double margin) {
    return lossEnd < lossStart && accuracy >= chance + margin;
  }
}
