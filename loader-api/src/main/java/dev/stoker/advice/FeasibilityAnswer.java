package dev.stoker.advice;

import dev.stoker.api.internal.Checks;
import java.util.List;

/**
 * {@link Feasibility}'s answer: the verdict, the changes that make it feasible, the reasons behind
 * each finding, and the numbers they rest on.
 *
 * <pre>{@code
 * FeasibilityAnswer a = Feasibility.judge(workload, hardware);
 * System.out.println(a.verdict().label() + (a.changes().isEmpty() ? "" : ": " + String.join("; ", a.changes())));
 * }</pre>
 *
 * @param verdict feasible, feasible with changes, or not feasible
 * @param changes what to change, most important first; empty when feasible as asked
 * @param reasons one sentence per finding (feed, data, GPU memory), whatever the verdict
 * @param feedImagesPerSecond what this machine feeds: all cores decoding, bounded by the cold reads
 * @param coresNeeded cores that decode and augment the target, 0 without a target
 * @param nodesNeeded machines like this one needed for the target (1: this one does), 0 without a target
 * @param data whether to cache or pack the files
 * @param encodedCacheFits whether the encoded files fit in the memory free for a cache
 * @param decodedCacheFits whether the decoded images fit in it
 * @param largestBatch the largest batch whose estimate fits the GPU (at the precision the answer
 *     suggests), -1 when no model or no GPU memory is known
 * @param mixedPrecision whether the answer needs mixed precision for the model to fit
 */
public record FeasibilityAnswer(Verdict verdict, List<String> changes, List<String> reasons,
    double feedImagesPerSecond, int coresNeeded, int nodesNeeded, DataAdvice data, boolean encodedCacheFits,
    boolean decodedCacheFits, int largestBatch, boolean mixedPrecision) {

  /** Validates and copies the fields. */
  public FeasibilityAnswer {
    Checks.notNull(verdict, "verdict");
    changes = List.copyOf(Checks.notNull(changes, "changes"));
    reasons = List.copyOf(Checks.notNull(reasons, "reasons"));
    Checks.notNull(data, "data");
  }
}
