package dev.stoker.image;

import dev.stoker.api.Region;
import dev.stoker.api.TransformSpec;
import dev.stoker.api.TransformSpec.ColorJitter;
import dev.stoker.api.TransformSpec.Grayscale;
import dev.stoker.api.TransformSpec.HorizontalFlip;
import dev.stoker.api.TransformSpec.Normalize;
import dev.stoker.api.TransformSpec.Pad;
import dev.stoker.api.TransformSpec.PhotometricDistort;
import dev.stoker.api.TransformSpec.RandomCrop;
import dev.stoker.api.TransformSpec.Rotate;
import dev.stoker.api.TransformSpec.VerticalFlip;
import dev.stoker.api.TransformSpec.ZoomOut;
import dev.stoker.api.internal.Checks;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The augmentation order made visible: for a plan's steps in the order written, what a naive
 * pipeline does per step (decode the whole image, then each step at the resolution it receives,
 * which is what {@link LiteralOrderProcessor} runs) and what Stoker executes ({@link
 * SampleProcessor}: every geometric step folded into one map, only the region it shows decoded at
 * a DCT scale, the colour steps on the output), with each row's pixels and estimated cost from
 * {@link AugmentationCosts}, and why each step Stoker moves may or may not change the result.
 *
 * <p>The figures are means over {@link #DRAWS} samples of the plan's own random draws (seeds 0 to
 * {@code DRAWS - 1}): a crop's size, a rotation's coin and angle are drawn as the executors draw
 * them, so a flip with {@code p = 0.5} costs half a flip.
 *
 * <pre>{@code
 * AugmentationPlan p = AugmentationPlan.estimate(plan, 4000, 3000, AugmentationCosts.MEASURED);
 * System.out.println(p.ratio());   // naive ns / Stoker ns
 * }</pre>
 */
public final class AugmentationPlan {
  /** Samples the estimate averages over. */
  public static final int DRAWS = 64;

  /**
   * Mean absolute difference, in levels of 255, between the mean gray of a whole photograph and
   * that of a {@code RandomResizedCrop} of it, measured on 12 photographs of 6-12 MP
   * (/work/photos-large/train, 16 crops each) by {@code AugmentationCostHarness}: contrast blends
   * each pixel with the mean gray, so moving it after the crop shifts every pixel by {@code |1 -
   * factor|} times this, at most {@code contrast} times it.
   */
  static final double CROP_MEAN_SHIFT = 16.2;
  /** The 95th percentile of the differences behind {@link #CROP_MEAN_SHIFT}. */
  static final double CROP_MEAN_SHIFT_P95 = 51.6;

  /** What a {@link Verdict#DIFFERS} reason ends with. */
  static final String KEPT = "so it is kept in place: the loader runs this recipe in the order written "
      + "(as bench --literal-order does; not on a dataset with boxes); to let Stoker move it, write it after the "
      + "geometry";

  /** What a step is to the executors. */
  public enum Kind {
    /** Moves pixels (crop, resize, pad, flip, rotate, zoom out): folded into one map by Stoker. */
    GEOMETRY,
    /** Changes pixels where they are (colour, blur, erasing, RandAugment, a user's step): run on the output by Stoker. */
    OUTPUT,
    /** The final conversion to float32. */
    NORMALIZE
  }

  /** How far Stoker's placement of a step can change its result. */
  public enum Verdict {
    /** Same result up to rounding. */
    EXACT,
    /** A difference below the tolerance stated in the reason. */
    WITHIN_TOLERANCE,
    /** A different result; the reason says how; the step is kept in place ({@link #keptInPlace}). */
    DIFFERS
  }

  /**
   * One row of a plan: one step of the naive pipeline, or one stage of Stoker's.
   *
   * @param steps the indices of the written steps this row does (empty for a decode)
   * @param action what it does, in words
   * @param inWidth mean columns of the image it reads
   * @param inHeight mean rows of the image it reads
   * @param outWidth mean columns of the image it writes
   * @param outHeight mean rows of the image it writes
   * @param pixelsIn mean pixels it touches on the way in (a decode: the pixels entropy-decoded)
   * @param pixelsOut mean pixels it writes
   * @param nanos mean estimated CPU time, in ns
   */
  public record Row(List<Integer> steps, String action, double inWidth, double inHeight, double outWidth,
      double outHeight, double pixelsIn, double pixelsOut, double nanos) {
    /**
     * Copies {@code steps}.
     */
    public Row {
      steps = List.copyOf(steps);
    }
  }

  /**
   * Why a step Stoker runs elsewhere than written does or does not change its result.
   *
   * @param step the index of the written step
   * @param verdict how far the result changes
   * @param reason the reason, in words, with the measured figure where there is one
   */
  public record Note(int step, Verdict verdict, String reason) {}

  private final int imageWidth;
  private final int imageHeight;
  private final List<Row> naive;
  private final List<Row> stoker;
  private final List<Note> notes;

  private AugmentationPlan(int imageWidth, int imageHeight, List<Row> naive, List<Row> stoker, List<Note> notes) {
    this.imageWidth = imageWidth;
    this.imageHeight = imageHeight;
    this.naive = List.copyOf(naive);
    this.stoker = List.copyOf(stoker);
    this.notes = List.copyOf(notes);
  }

  /**
   * What a step is to the executors.
   *
   * @param spec a step, not null
   * @return its kind
   */
  public static Kind kindOf(TransformSpec spec) {
    Checks.notNull(spec, "spec");
    if (spec instanceof Normalize) {
      return Kind.NORMALIZE;
    }
    return isOutput(spec) ? Kind.OUTPUT : Kind.GEOMETRY;
  }

  private static boolean isOutput(TransformSpec spec) {
    return switch (spec) {
      case TransformSpec.ColorJitter j -> true;
      case TransformSpec.Grayscale g -> true;
      case TransformSpec.RandAugment a -> true;
      case TransformSpec.TrivialAugmentWide a -> true;
      case TransformSpec.RandomErasing e -> true;
      case TransformSpec.GaussianBlur b -> true;
      case TransformSpec.PhotometricDistort d -> true;
      case TransformSpec.Custom c -> true;
      default -> false;
    };
  }

  /**
   * Estimates {@code plan} on an image of {@code imageWidth x imageHeight}.
   *
   * @param plan the compiled steps, not null
   * @param imageWidth the source's columns, positive
   * @param imageHeight the source's rows, positive
   * @param costs the per-pixel costs, not null
   * @return the estimate
   */
  public static AugmentationPlan estimate(TransformPlan plan, int imageWidth, int imageHeight, AugmentationCosts costs) {
    Checks.notNull(plan, "plan");
    Checks.positive(imageWidth, "imageWidth");
    Checks.positive(imageHeight, "imageHeight");
    Checks.notNull(costs, "costs");
    List<TransformSpec> specs = plan.specs();
    Means naive = new Means();
    Means stoker = new Means();
    for (int seed = 0; seed < DRAWS; seed++) {
      NaiveModel.draw(specs, imageWidth, imageHeight, costs, new SplittableRandom(seed), naive);
      StokerModel.draw(plan, imageWidth, imageHeight, costs, new SplittableRandom(seed), stoker);
    }
    List<Note> notes = notes(specs);
    List<Row> naiveRows = naive.rows(DRAWS);
    // a step kept in place makes the loader run the whole recipe in the written order
    List<Row> stokerRows = differing(notes).isEmpty() ? stoker.rows(DRAWS) : naiveRows;
    return new AugmentationPlan(imageWidth, imageHeight, naiveRows, stokerRows, notes);
  }

  /**
   * The steps whose moving would change the result beyond the stated tolerance ({@link
   * Verdict#DIFFERS}): the loader keeps them in place, running the recipe in the order written
   * ({@link LiteralOrderProcessor}), and refuses such a recipe on a dataset with boxes.
   *
   * @param specs the steps, in the order written, not null
   * @return the notes of the steps kept in place, in step order; empty when Stoker may move every step
   */
  public static List<Note> keptInPlace(List<TransformSpec> specs) {
    Checks.notNull(specs, "specs");
    return differing(notes(specs));
  }

  private static List<Note> differing(List<Note> notes) {
    return notes.stream().filter(n -> n.verdict() == Verdict.DIFFERS).toList();
  }

  /**
   * The sentence the loader says once when it keeps the written order, e.g. {@code "written order
   * kept: step 1 GaussianBlur (defined on the output image: ...)"}.
   *
   * @param specs the steps, in the order written, not null
   * @return the sentence, or an empty string when no step is kept in place
   */
  public static String keptSentence(List<TransformSpec> specs) {
    List<Note> kept = keptInPlace(specs);
    if (kept.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder("written order kept:");
    for (int k = 0; k < kept.size(); k++) {
      Note n = kept.get(k);
      b.append(k == 0 ? " " : "; ").append("step ").append(n.step() + 1).append(' ')
          .append(specs.get(n.step()).getClass().getSimpleName()).append(" (").append(shortReason(n)).append(')');
    }
    return b.toString();
  }

  /**
   * A note's reason without what keeping the step in place means (the end every {@link
   * Verdict#DIFFERS} reason shares): why moving it would change the result.
   *
   * @param note a note, not null
   * @return the reason, shortened
   */
  public static String shortReason(Note note) {
    Checks.notNull(note, "note");
    String r = note.reason();
    return r.endsWith("; " + KEPT) ? r.substring(0, r.length() - KEPT.length() - 2) : r;
  }

  /**
   * Whether some step is kept in place ({@link #keptInPlace}), so the loader runs the recipe in the
   * order written and {@link #stoker()} is the written order's rows.
   *
   * @return {@code true} when the written order is kept
   */
  public boolean writtenOrderKept() {
    return !differing(notes).isEmpty();
  }

  /** The notes on every output step written before a geometric step that changes pixels. */
  static List<Note> notes(List<TransformSpec> specs) {
    List<Note> notes = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      TransformSpec spec = specs.get(i);
      if (kindOf(spec) != Kind.OUTPUT) {
        continue;
      }
      boolean resized = false;
      Fill fill = Fill.NONE;
      boolean onlyFlips = true;
      boolean moved = false;
      for (TransformSpec later : specs.subList(i + 1, specs.size())) {
        if (kindOf(later) != Kind.GEOMETRY) {
          continue;
        }
        moved = true;
        boolean flip = later instanceof HorizontalFlip || later instanceof VerticalFlip;
        onlyFlips &= flip;
        if (later instanceof Pad || later instanceof ZoomOut) {
          fill = Fill.LARGE;
        } else if ((later instanceof Rotate || later instanceof RandomCrop) && fill == Fill.NONE) {
          fill = Fill.SMALL;
        }
        // a pad or zoom-out keeps every pixel of the image, and its fill is left plain: the mean is unchanged
        resized |= !flip && !(later instanceof Rotate) && !(later instanceof Pad) && !(later instanceof ZoomOut);
      }
      if (moved) {
        notes.add(note(i, spec, resized, fill, onlyFlips));
      }
    }
    return notes;
  }

  private static Note note(int i, TransformSpec spec, boolean resized, Fill fill, boolean onlyFlips) {
    boolean photometric = spec instanceof ColorJitter || spec instanceof Grayscale || spec instanceof PhotometricDistort;
    if (!photometric && onlyFlips) {
      return new Note(i, Verdict.WITHIN_TOLERANCE, "defined on the output image and written before flips only: a "
          + "flip keeps the size, so its numbers mean the same amount on the output; run after the flip, it lands "
          + "mirrored, which its random draws (positions, directions) produce as often either way");
    }
    if (!photometric) {
      return new Note(i, Verdict.DIFFERS, "defined on the output image: its sizes (kernel, sigma, erased area, "
          + "magnitudes) are in output pixels, so Stoker runs it on the output; written before a "
          + (resized ? "resize" : "geometric step") + ", a literal pipeline applies it at the resolution it receives, "
          + "where the same numbers mean a different amount; " + KEPT);
    }
    double contrast = spec instanceof PhotometricDistort ? 0.5 : spec instanceof ColorJitter j ? j.contrast() : 0;
    double brightness = spec instanceof PhotometricDistort ? 0.5 : spec instanceof ColorJitter j ? j.brightness() : 0;
    StringBuilder why = new StringBuilder("per-pixel colour, run on the output after the geometry");
    Verdict verdict = Verdict.EXACT;
    if (contrast > 0 && resized) {
      double mean = contrast * CROP_MEAN_SHIFT;
      double p95 = contrast * CROP_MEAN_SHIFT_P95;
      // tolerance: the shift must stay inside what the recipe's brightness draws anyway at mid-gray
      boolean within = p95 <= brightness * 128;
      verdict = within ? Verdict.WITHIN_TOLERANCE : Verdict.DIFFERS;
      why.append(String.format(java.util.Locale.ROOT, "; contrast blends with the mean gray of the crop, not of the "
          + "whole image: every pixel shifts by the same amount, on 6-12 MP photographs up to %.0f levels on average "
          + "(%.0f at the 95th percentile)", mean, p95));
      why.append(within ? String.format(java.util.Locale.ROOT, ", inside the %.0f levels its brightness jitter moves "
          + "mid-gray anyway (the tolerance)", brightness * 128)
          : String.format(java.util.Locale.ROOT, ", more than the %.0f levels its brightness jitter moves mid-gray "
          + "(the tolerance); " + KEPT, brightness * 128));
    }
    if (fill != Fill.NONE) {
      why.append(fill == Fill.SMALL
          ? "; the fill a later rotation or crop brings in is left plain, as written: the pixels that show it keep "
              + "the fill value, and contrast's mean is taken over the pixels it colours"
          : "; the border a later Pad or ZoomOut adds is left plain, as written: the pixels that show it keep the "
              + "fill value, and contrast's mean is taken over the image's pixels only");
    }
    if (verdict == Verdict.EXACT) {
      why.append(": the same result up to resampling rounding (1 level)");
    }
    return new Note(i, verdict, why.toString());
  }

  /** How much fill the geometric steps after an output step bring in. */
  private enum Fill { NONE, SMALL, LARGE }

  /**
   * The source size the estimate is for.
   *
   * @return the source's columns
   */
  public int imageWidth() {
    return imageWidth;
  }

  /**
   * The source size the estimate is for.
   *
   * @return the source's rows
   */
  public int imageHeight() {
    return imageHeight;
  }

  /**
   * The naive pipeline: a full decode, then one row per written step, in order.
   *
   * @return the rows
   */
  public List<Row> naive() {
    return naive;
  }

  /**
   * Stoker's execution: the region decode, the folded geometry, each output step on the output, normalize.
   *
   * @return the rows
   */
  public List<Row> stoker() {
    return stoker;
  }

  /**
   * Why each output step written before a geometric step may or may not change its result on the output.
   *
   * @return the notes, in step order
   */
  public List<Note> notes() {
    return notes;
  }

  /**
   * The naive pipeline's estimated ns per image.
   *
   * @return the sum of its rows
   */
  public double naiveNanos() {
    return naive.stream().mapToDouble(Row::nanos).sum();
  }

  /**
   * Stoker's estimated ns per image.
   *
   * @return the sum of its rows
   */
  public double stokerNanos() {
    return stoker.stream().mapToDouble(Row::nanos).sum();
  }

  /**
   * How many times cheaper Stoker's execution is estimated to be.
   *
   * @return {@link #naiveNanos()} / {@link #stokerNanos()}
   */
  public double ratio() {
    return naiveNanos() / Math.max(1e-9, stokerNanos());
  }

  /** The integer rectangle of the image that covers a fractional one (the renderer's rule). */
  static Region enclosing(double x, double y, double w, double h, int width, int height) {
    return GeometryRenderer.enclosing(x, y, w, h, width, height);
  }

  /** Row sums over the draws, keyed by row position. */
  static final class Means {
    private final List<Row> sums = new ArrayList<>();
    /** Per row, how many draws gave each action (a decode's scale varies from draw to draw). */
    private final List<java.util.Map<String, Integer>> actions = new ArrayList<>();
    private int at;

    void start() {
      at = 0;
    }

    void add(List<Integer> steps, String action, double inW, double inH, double outW, double outH, double pixelsIn,
        double pixelsOut, double nanos) {
      if (at == sums.size()) {
        sums.add(new Row(steps, action, inW, inH, outW, outH, pixelsIn, pixelsOut, nanos));
        actions.add(new java.util.TreeMap<>());
      } else {
        Row r = sums.get(at);
        sums.set(at, new Row(r.steps(), r.action(), r.inWidth() + inW, r.inHeight() + inH, r.outWidth() + outW,
            r.outHeight() + outH, r.pixelsIn() + pixelsIn, r.pixelsOut() + pixelsOut, r.nanos() + nanos));
      }
      actions.get(at).merge(action, 1, Integer::sum);
      at++;
    }

    /** The rows' means; each row's action is the one most draws gave. */
    List<Row> rows(int draws) {
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < sums.size(); i++) {
        Row r = sums.get(i);
        String action = java.util.Collections.max(actions.get(i).entrySet(), java.util.Map.Entry.comparingByValue())
            .getKey();
        rows.add(new Row(r.steps(), action, r.inWidth() / draws, r.inHeight() / draws, r.outWidth() / draws,
            r.outHeight() / draws, r.pixelsIn() / draws, r.pixelsOut() / draws, r.nanos() / draws));
      }
      return rows;
    }
  }
}
