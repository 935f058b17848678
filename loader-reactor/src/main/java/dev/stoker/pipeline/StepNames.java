package dev.stoker.pipeline;

import java.util.ArrayList;
import java.util.List;

/** What to suggest for an unknown step name: the same name in another case, torchvision's name, or the nearest. */
final class StepNames {
  private StepNames() {}

  /** Every name a SPEC may start a step with: the records', then the presets'. */
  static List<String> known() {
    List<String> names = new ArrayList<>(StepSyntax.STEPS.keySet());
    names.addAll(StepSyntax.BATCH_STEPS.keySet());
    names.addAll(Presets.NAMES);
    return names;
  }

  /**
   * A hint for {@code word}: {@code did you mean HorizontalFlip?}, or the list of known names.
   *
   * @param word the unknown name, at most the SPEC's length
   * @return the hint, never empty
   */
  static String suggestion(String word) {
    for (String name : known()) {
      if (name.equalsIgnoreCase(word)) {
        return "did you mean " + name + "? (names are case-sensitive)";
      }
    }
    // torchvision's names: RandomHorizontalFlip, RandomGrayscale, RandomZoomOut, RandomPhotometricDistort
    String plain = word.startsWith("Random") ? word.substring("Random".length()) : word;
    if (StepSyntax.STEPS.containsKey(plain)) {
      return "did you mean " + plain + "?";
    }
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String name : known()) {
      int d = Math.min(distance(word, name), distance(plain, name));
      if (d < bestDistance) {
        best = name;
        bestDistance = d;
      }
    }
    if (best != null && bestDistance <= Math.max(2, best.length() / 4)) {
      return "did you mean " + best + "?";
    }
    return "known steps: " + String.join(", ", StepSyntax.STEPS.keySet()) + "; batch steps: "
        + String.join(", ", StepSyntax.BATCH_STEPS.keySet()) + "; presets: "
        + String.join(", ", Presets.NAMES);
  }

  /** Levenshtein distance, case-insensitive; gives up (large) when the lengths differ by more than 8. */
  static int distance(String a, String b) {
    if (Math.abs(a.length() - b.length()) > 8) {
      return Integer.MAX_VALUE / 2;
    }
    String x = a.toLowerCase(java.util.Locale.ROOT);
    String y = b.toLowerCase(java.util.Locale.ROOT);
    int[] previous = new int[y.length() + 1];
    int[] current = new int[y.length() + 1];
    for (int j = 0; j <= y.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= x.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= y.length(); j++) {
        int substitute = previous[j - 1] + (x.charAt(i - 1) == y.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] t = previous;
      previous = current;
      current = t;
    }
    return previous[y.length()];
  }
}
