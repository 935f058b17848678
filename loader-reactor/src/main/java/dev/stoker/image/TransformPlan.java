package dev.stoker.image;

import dev.stoker.api.Checks;
import dev.stoker.api.TransformSpec;
import dev.stoker.api.TransformSpec.CenterCrop;
import dev.stoker.api.TransformSpec.ColorJitter;
import dev.stoker.api.TransformSpec.Grayscale;
import dev.stoker.api.TransformSpec.HorizontalFlip;
import dev.stoker.api.TransformSpec.RandomResizedCrop;
import dev.stoker.api.TransformSpec.Resize;
import dev.stoker.api.TransformSpec.ResizeShorter;
import dev.stoker.api.TransformSpec.VerticalFlip;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A list of {@link TransformSpec}s compiled for execution. Every geometric step is folded into one
 * {@link CropGeometry} per sample, computed from the image header alone, so that the decoder
 * decodes only the source rectangle the output shows and one resampling pass produces the output.
 *
 * <p>Photometric steps ({@code ColorJitter}, {@code Grayscale}) are per-pixel, so they commute with
 * the geometry: the plan runs them on the output after resampling ({@link PhotometricOps}), in the
 * order written among themselves, drawing their random numbers after all geometric ones.
 *
 * <p>The plan must end at a fixed output size (a {@code RandomResizedCrop}, a {@code Resize}, or a
 * {@code CenterCrop}) because every sample lands in a batch slot of one shape.
 *
 * <pre>{@code
 * TransformPlan plan = TransformPlan.compile(List.of(new RandomResizedCrop(224), new HorizontalFlip(0.5)));
 * CropGeometry g = plan.geometry(640, 480, new SplittableRandom(7));
 * }</pre>
 */
public final class TransformPlan {
  private static final int CROP_ATTEMPTS = 10;

  private final List<TransformSpec> specs;
  private final List<TransformSpec> photometric;
  private final int outWidth;
  private final int outHeight;

  private TransformPlan(List<TransformSpec> specs, List<TransformSpec> photometric, int outWidth, int outHeight) {
    this.specs = specs;
    this.photometric = photometric;
    this.outWidth = outWidth;
    this.outHeight = outHeight;
  }

  /**
   * Compiles {@code specs}.
   *
   * @throws IllegalArgumentException if the specs do not end at a fixed output size
   */
  public static TransformPlan compile(List<TransformSpec> specs) {
    Checks.notNull(specs, "specs");
    int width = -1;
    int height = -1;
    List<TransformSpec> photometric = new ArrayList<>();
    for (TransformSpec spec : specs) {
      Checks.notNull(spec, "specs element");
      switch (spec) {
        case RandomResizedCrop c -> { width = c.width(); height = c.height(); }
        case Resize r -> { width = r.width(); height = r.height(); }
        case CenterCrop c -> { width = c.width(); height = c.height(); }
        case ResizeShorter r -> { width = -1; height = -1; }
        case HorizontalFlip f -> { }
        case VerticalFlip f -> { }
        case ColorJitter j -> photometric.add(j);
        case Grayscale g -> photometric.add(g);
        case TransformSpec.RandomCrop _, TransformSpec.Pad _, TransformSpec.Rotate _,
             TransformSpec.RandomIoUCrop _, TransformSpec.Normalize _ ->
            throw new UnsupportedOperationException(spec + " is declared but not implemented yet");
      }
    }
    Checks.argument(width > 0, "specs",
        "must end at a fixed output size (RandomResizedCrop, Resize or CenterCrop), got " + specs);
    return new TransformPlan(List.copyOf(specs), List.copyOf(photometric), width, height);
  }

  /** Output columns of every sample. */
  public int outputWidth() {
    return outWidth;
  }

  /** Output rows of every sample. */
  public int outputHeight() {
    return outHeight;
  }

  /** Whether samples leave as float32 (the plan ends with a {@code Normalize}) rather than uint8. */
  public boolean floatOutput() {
    return false;
  }

  /** The specs this plan was compiled from. */
  public List<TransformSpec> specs() {
    return specs;
  }

  /** The photometric specs, in the order written; they run on the output after the geometry. */
  List<TransformSpec> photometric() {
    return photometric;
  }

  /**
   * Draws this sample's geometric random choices and folds every geometric step into one geometry.
   * Photometric steps draw nothing here; {@link PhotometricOps} draws theirs afterwards from the
   * same generator.
   *
   * @param imageWidth the source's columns
   * @param imageHeight the source's rows
   * @param random the sample's own generator, keyed by (seed, epoch, index)
   */
  public CropGeometry geometry(int imageWidth, int imageHeight, SplittableRandom random) {
    CropGeometry g = CropGeometry.identity(imageWidth, imageHeight);
    for (TransformSpec spec : specs) {
      g = switch (spec) {
        case RandomResizedCrop c -> randomResizedCrop(g, c, random);
        case Resize r -> g.resize(r.width(), r.height());
        case ResizeShorter r -> resizeShorter(g, r.size());
        case CenterCrop c -> centerCrop(g, c);
        // p == 0 draws nothing, so a disabled flip leaves every later random choice as without it
        case HorizontalFlip f -> f.p() > 0 && random.nextDouble() < f.p() ? g.mirrored() : g;
        case VerticalFlip f -> f.p() > 0 && random.nextDouble() < f.p() ? g.mirroredVertically() : g;
        case ColorJitter j -> g;
        case Grayscale gray -> g;
        default -> throw new UnsupportedOperationException(spec + " is declared but not implemented yet");
      };
    }
    return g;
  }

  private static CropGeometry resizeShorter(CropGeometry g, int size) {
    int w = g.outWidth();
    int h = g.outHeight();
    if (w <= h) {
      return g.resize(size, (int) Math.max(1, Math.round((double) h * size / w)));
    }
    return g.resize((int) Math.max(1, Math.round((double) w * size / h)), size);
  }

  private static CropGeometry centerCrop(CropGeometry g, CenterCrop c) {
    double cw = Math.min(c.width(), g.outWidth());
    double ch = Math.min(c.height(), g.outHeight());
    return g.crop((g.outWidth() - cw) / 2.0, (g.outHeight() - ch) / 2.0, cw, ch, c.width(), c.height());
  }

  private static CropGeometry randomResizedCrop(CropGeometry g, RandomResizedCrop c, SplittableRandom random) {
    int w = g.outWidth();
    int h = g.outHeight();
    double area = (double) w * h;
    double logMin = Math.log(c.minRatio());
    double logMax = Math.log(c.maxRatio());
    for (int attempt = 0; attempt < CROP_ATTEMPTS; attempt++) {
      double target = area * uniform(random, c.minScale(), c.maxScale());
      double ratio = Math.exp(uniform(random, logMin, logMax));
      int cw = (int) Math.round(Math.sqrt(target * ratio));
      int ch = (int) Math.round(Math.sqrt(target / ratio));
      if (cw > 0 && ch > 0 && cw <= w && ch <= h) {
        int cx = random.nextInt(w - cw + 1);
        int cy = random.nextInt(h - ch + 1);
        return g.crop(cx, cy, cw, ch, c.width(), c.height());
      }
    }
    double inRatio = (double) w / h;
    int cw;
    int ch;
    if (inRatio < c.minRatio()) {
      cw = w;
      ch = (int) Math.round(w / c.minRatio());
    } else if (inRatio > c.maxRatio()) {
      ch = h;
      cw = (int) Math.round(h * c.maxRatio());
    } else {
      cw = w;
      ch = h;
    }
    cw = Math.max(1, Math.min(cw, w));
    ch = Math.max(1, Math.min(ch, h));
    return g.crop((w - cw) / 2, (h - ch) / 2, cw, ch, c.width(), c.height());
  }

  private static double uniform(SplittableRandom random, double min, double max) {
    return min == max ? min : min + (max - min) * random.nextDouble();
  }

  @Override
  public String toString() {
    return "TransformPlan" + specs + " -> " + outWidth + "x" + outHeight;
  }
}
