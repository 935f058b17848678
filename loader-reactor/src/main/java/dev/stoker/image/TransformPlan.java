package dev.stoker.image;

import dev.stoker.api.BatchLayout;
import dev.stoker.api.ElementType;
import dev.stoker.api.MemoryLimitException;
import dev.stoker.api.internal.Checks;
import dev.stoker.api.TransformSpec;
import dev.stoker.api.TransformSpec.CenterCrop;
import dev.stoker.api.TransformSpec.ColorJitter;
import dev.stoker.api.TransformSpec.Grayscale;
import dev.stoker.api.TransformSpec.HorizontalFlip;
import dev.stoker.api.TransformSpec.Normalize;
import dev.stoker.api.TransformSpec.Pad;
import dev.stoker.api.TransformSpec.RandomCrop;
import dev.stoker.api.TransformSpec.RandomIoUCrop;
import dev.stoker.api.TransformSpec.RandomResizedCrop;
import dev.stoker.api.TransformSpec.Resize;
import dev.stoker.api.TransformSpec.ResizeShorter;
import dev.stoker.api.TransformSpec.Rotate;
import dev.stoker.api.TransformSpec.VerticalFlip;
import dev.stoker.api.TransformSpec.Custom;
import dev.stoker.api.TransformSpec.GaussianBlur;
import dev.stoker.api.TransformSpec.PhotometricDistort;
import dev.stoker.api.TransformSpec.RandAugment;
import dev.stoker.api.TransformSpec.RandomErasing;
import dev.stoker.api.TransformSpec.TrivialAugmentWide;
import dev.stoker.api.TransformSpec.ZoomOut;
import dev.stoker.api.Region;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A list of {@link TransformSpec}s compiled for execution. Every geometric step (crops, resizes,
 * pads, flips, rotations) is folded into one {@link CropGeometry} per sample: a map from each
 * output pixel to a source point plus the output size, computed from the image header alone (and
 * the sample's boxes, for {@code RandomIoUCrop}), so that the decoder decodes only the source
 * rectangle the output shows and one resampling pass produces the output. When the map is
 * axis-aligned (scales, translations, mirrors, quarter turns) that pass is the separable
 * resampler; any other rotation is a bilinear affine warp.
 *
 * <p>Output pixels that show nothing of the image ({@code Pad}'s borders, a {@code RandomCrop}
 * larger than the image, the corners of a {@code Rotate}) are the step's {@code fill} gray. A
 * canvas that a later step shrinks stays shrunk: pixels a later {@code Pad} or {@code Rotate}
 * brings back from outside it are fill, not the image beyond it.
 *
 * <p>Output steps run on the output image after resampling ({@link OutputSteps}), in the order
 * written among themselves, drawing their random numbers after all geometric ones: the per-pixel
 * photometric steps ({@code ColorJitter}, {@code Grayscale}, {@code PhotometricDistort}), which
 * commute with the geometry, and the steps defined on the output image ({@code RandomErasing},
 * {@code GaussianBlur}, {@code RandAugment}, {@code TrivialAugmentWide}, and a user's {@code
 * Custom} step). Where a recipe writes a photometric step before a step that brings in fill
 * ({@code ZoomOut}, {@code Pad}, {@code Rotate}, a {@code RandomCrop} larger than the canvas), the
 * pixels that show that fill keep the fill value, as in the recipe: each clip remembers the step
 * that brought it in ({@link CropGeometry.Clip#step()}) and the colour step colours only the pixels
 * that show the image or an earlier step's fill ({@link Coverage#colouredSpans}); contrast blends
 * with the mean gray of those pixels. A final
 * {@code Normalize} turns the output into float32 ({@link #floatOutput()}), after every output
 * step, so a {@code Custom} step sees uint8.
 *
 * <p>{@code ZoomOut} (SSD's expand) is geometric: it places the canvas at a random position on a
 * larger canvas of fill, as a {@code Pad} whose borders are drawn, so it leaves the output size
 * unfixed like {@code RandomIoUCrop}.
 *
 * <p>The plan must end at a fixed output size (a {@code RandomResizedCrop}, a {@code Resize}, a
 * {@code CenterCrop} or a {@code RandomCrop}, possibly followed by a {@code Pad}, rotations, flips
 * and output steps) because every sample lands in a batch slot of one shape.
 *
 * <p><b>Boxes.</b> Object-detection boxes ({@code x0, y0, x1, y1} in pixels) follow the pixels
 * step by step: crops, pads and resizes move and scale them, flips mirror them, and a rotation
 * replaces each box by the axis-aligned bounding box of its four rotated corners. After every step
 * a box is clipped to that step's canvas, and a box with nothing left inside it (zero width or
 * height) is dropped. {@code RandomIoUCrop} also drops the boxes whose centres fall outside its
 * crop (SSD's rule). After the last step each box is clipped to the output canvas and dropped if
 * its clipped width or height is below 1 output pixel.
 *
 * <pre>{@code
 * TransformPlan plan = TransformPlan.compile(List.of(new RandomResizedCrop(224), new HorizontalFlip(0.5)));
 * CropGeometry g = plan.geometry(640, 480, new SplittableRandom(7));
 * }</pre>
 */
public final class TransformPlan {
  private static final int CROP_ATTEMPTS = 10;

  /**
   * The most bytes one output sample may take: a little under 2 GiB (about 26,750 x 26,750 RGB
   * pixels of uint8), what one Java array can hold, since the renderer stages rows and regions in
   * arrays and a node sends a sample in one frame.
   */
  public static final long MAX_SAMPLE_BYTES = Integer.MAX_VALUE - 8;

  private final List<TransformSpec> specs;
  private final List<TransformSpec> output;
  private final List<Integer> outputPositions;
  private final int outWidth;
  private final int outHeight;
  private final Normalize normalize;

  private TransformPlan(List<TransformSpec> specs, List<TransformSpec> output, int outWidth, int outHeight,
      Normalize normalize) {
    this.specs = specs;
    this.output = output;
    List<Integer> positions = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      if (AugmentationPlan.kindOf(specs.get(i)) == AugmentationPlan.Kind.OUTPUT) {
        positions.add(i);
      }
    }
    this.outputPositions = List.copyOf(positions);
    this.outWidth = outWidth;
    this.outHeight = outHeight;
    this.normalize = normalize;
  }

  /**
   * Compiles {@code specs}.
   *
   * @param specs the steps, in order, not null
   * @return the compiled plan
   * @throws IllegalArgumentException naming {@code specs} if they do not end at a fixed output size,
   *     or if a {@code Normalize} is not the last step
   * @throws MemoryLimitException naming the output's shape and bytes if one sample would take more
   *     than {@link #MAX_SAMPLE_BYTES}
   */
  public static TransformPlan compile(List<TransformSpec> specs) {
    Checks.notNull(specs, "specs");
    int width = -1;
    int height = -1;
    Normalize normalize = null;
    List<TransformSpec> output = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      TransformSpec spec = specs.get(i);
      Checks.notNull(spec, "specs element");
      switch (spec) {
        case RandomResizedCrop c -> { width = c.width(); height = c.height(); }
        case Resize r -> { width = r.width(); height = r.height(); }
        case CenterCrop c -> { width = c.width(); height = c.height(); }
        case RandomCrop c -> { width = c.width(); height = c.height(); }
        case ResizeShorter r -> { width = -1; height = -1; }
        case RandomIoUCrop c -> { width = -1; height = -1; }
        case Pad p -> {
          if (width > 0) {
            try {
              width = Math.addExact(width, Math.addExact(p.left(), p.right()));
              height = Math.addExact(height, Math.addExact(p.top(), p.bottom()));
            } catch (ArithmeticException e) {
              throw new MemoryLimitException("specs: " + p + " makes the output wider or taller than "
                  + Integer.MAX_VALUE + " pixels");
            }
          }
        }
        case HorizontalFlip f -> { }
        case VerticalFlip f -> { }
        case Rotate r -> { }
        case ColorJitter j -> output.add(j);
        case Grayscale g -> output.add(g);
        case ZoomOut z -> { width = -1; height = -1; }
        case RandAugment a -> output.add(a);
        case TrivialAugmentWide a -> output.add(a);
        case RandomErasing e -> output.add(e);
        case GaussianBlur b -> output.add(b);
        case PhotometricDistort d -> output.add(d);
        case Custom c -> output.add(c);
        case Normalize n -> {
          Checks.argument(i == specs.size() - 1, "specs",
              n + " must be the last step, found at position " + i + " of " + specs.size() + ": " + specs);
          normalize = n;
        }
      }
    }
    Checks.argument(width > 0, "specs",
        "must end at a fixed output size (RandomResizedCrop, Resize, CenterCrop or RandomCrop), got " + specs);
    checkSampleBytes(width, height, normalize != null ? ElementType.FLOAT32 : ElementType.UINT8);
    return new TransformPlan(List.copyOf(specs), List.copyOf(output), width, height, normalize);
  }

  /** Refuses an output larger than {@link #MAX_SAMPLE_BYTES}, in exact arithmetic. */
  private static void checkSampleBytes(int width, int height, ElementType type) {
    String shape = "specs: an output of " + width + "x" + height + "x3 " + type;
    long bytes;
    try {
      bytes = Math.multiplyExact(Math.multiplyExact((long) width, height), 3L * type.bytes());
    } catch (ArithmeticException e) {
      throw new MemoryLimitException(shape + " needs more bytes per sample than a long can count; ask for a smaller "
          + "output size");
    }
    if (bytes > MAX_SAMPLE_BYTES) {
      throw new MemoryLimitException(String.format("%s is %,d bytes per sample, more than the %,d one sample may take; "
          + "ask for a smaller output size", shape, bytes, MAX_SAMPLE_BYTES));
    }
  }

  /**
   * Output columns of every sample.
   *
   * @return the output width, in pixels
   */
  public int outputWidth() {
    return outWidth;
  }

  /**
   * Output rows of every sample.
   *
   * @return the output height, in pixels
   */
  public int outputHeight() {
    return outHeight;
  }

  /**
   * Whether samples leave as float32 (the plan ends with a {@code Normalize}) rather than uint8.
   *
   * @return {@code true} for float32 output, {@code false} for uint8
   */
  public boolean floatOutput() {
    return normalize != null;
  }

  /**
   * The layout of batches of this plan's output: {@code outputHeight x outputWidth x 3} of uint8,
   * or float32 when the plan normalizes. The one place the output's shape becomes bytes: the
   * loader's ring, its sample buffers and a data-server node all size a sample from it.
   *
   * @param batchSize samples per batch, positive
   * @param maxBoxes boxes each sample can carry, 0 for none
   * @return the layout
   */
  public BatchLayout batchLayout(int batchSize, int maxBoxes) {
    return new BatchLayout(batchSize, outHeight, outWidth, 3, floatOutput() ? ElementType.FLOAT32 : ElementType.UINT8,
        maxBoxes);
  }

  /**
   * Bytes of one output sample: {@code batchLayout(1, 0).sampleBytes()}.
   *
   * @return the bytes of one sample
   */
  public long sampleBytes() {
    return batchLayout(1, 0).sampleBytes();
  }

  /** The final {@code Normalize}, or {@code null} when samples leave as uint8. */
  Normalize normalize() {
    return normalize;
  }

  /**
   * The specs this plan was compiled from.
   *
   * @return the specs, an unmodifiable list
   */
  public List<TransformSpec> specs() {
    return specs;
  }

  /**
   * The output steps, in the order written: every step that runs on the output image after the
   * geometry ({@code ColorJitter}, {@code Grayscale}, {@code RandomErasing}, {@code GaussianBlur},
   * {@code PhotometricDistort}, {@code RandAugment}, {@code TrivialAugmentWide}, {@code Custom}).
   */
  List<TransformSpec> outputSteps() {
    return output;
  }

  /** The positions, in {@link #specs()}, of the {@link #outputSteps()}, in the same order. */
  List<Integer> outputPositions() {
    return outputPositions;
  }

  /**
   * Draws this sample's geometric random choices and folds every geometric step into one geometry.
   * Photometric steps draw nothing here; {@link PhotometricOps} draws theirs afterwards from the
   * same generator. A sample without boxes: {@code RandomIoUCrop} accepts the first crop that fits.
   *
   * @param imageWidth the source's columns
   * @param imageHeight the source's rows
   * @param random the sample's own generator, keyed by (seed, epoch, index)
   * @return the sample's geometry
   */
  public CropGeometry geometry(int imageWidth, int imageHeight, SplittableRandom random) {
    return geometry(imageWidth, imageHeight, random, null);
  }

  /**
   * As {@link #geometry(int, int, SplittableRandom)}, moving {@code boxes} (source pixels on entry)
   * with every step, by the rule in the class comment except the final one ({@link BoxSet#finish}).
   * The random draws are those of a sample without boxes except in {@code RandomIoUCrop}.
   *
   * @param boxes the sample's boxes, or {@code null} for none
   */
  CropGeometry geometry(int imageWidth, int imageHeight, SplittableRandom random, BoxSet boxes) {
    BoxSet moving = boxes != null && boxes.count() > 0 ? boxes : null;
    CropGeometry g = CropGeometry.identity(imageWidth, imageHeight);
    for (int i = 0; i < specs.size(); i++) {
      int before = g.clips().size();
      g = step(g, specs.get(i), random, moving).stamped(before, i);
      if (moving != null && moving.count() == 0) {
        moving = null;
      }
    }
    return g;
  }

  /**
   * Folds one step into {@code g}, drawing that step's geometric random choices (the body of
   * {@link #geometry}'s loop; also the literal-order executor's, which renders one step at a time).
   * Non-geometric steps return {@code g} and draw nothing.
   */
  static CropGeometry step(CropGeometry g, TransformSpec spec, SplittableRandom random, BoxSet moving) {
    return switch (spec) {
      case RandomResizedCrop c -> randomResizedCrop(g, c, random, moving);
      case Resize r -> resize(g, r.width(), r.height(), moving);
      case ResizeShorter r -> resizeShorter(g, r.size(), moving);
      case CenterCrop c -> centerCrop(g, c, moving);
      case RandomCrop c -> randomCrop(g, c, random, moving);
      case Pad p -> pad(g, p, moving);
      // p == 0 draws nothing, so a disabled flip leaves every later random choice as without it
      case HorizontalFlip f -> f.p() > 0 && random.nextDouble() < f.p() ? mirror(g, moving) : g;
      case VerticalFlip f -> f.p() > 0 && random.nextDouble() < f.p() ? mirrorVertically(g, moving) : g;
      case Rotate r -> r.p() > 0 && random.nextDouble() < r.p()
          ? rotate(g, uniform(random, r.minDegrees(), r.maxDegrees()), r.fill(), moving) : g;
      case RandomIoUCrop c -> ioUCrop(g, c, random, moving);
      case ColorJitter j -> g;
      case Grayscale gray -> g;
      case ZoomOut z -> zoomOut(g, z, random, moving);
      case RandAugment a -> g;
      case TrivialAugmentWide a -> g;
      case RandomErasing e -> g;
      case GaussianBlur b -> g;
      case PhotometricDistort d -> g;
      case Custom c -> g;
      case Normalize n -> g;
    };
  }

  private static CropGeometry crop(CropGeometry g, double cx, double cy, double cw, double ch, int newWidth,
      int newHeight, BoxSet boxes) {
    if (boxes != null) {
      boxes.map(Affine.translateThenScale(-cx, -cy, newWidth / cw, newHeight / ch), newWidth, newHeight);
    }
    return g.crop(cx, cy, cw, ch, newWidth, newHeight);
  }

  private static CropGeometry resize(CropGeometry g, int newWidth, int newHeight, BoxSet boxes) {
    if (boxes != null) {
      boxes.map(Affine.translateThenScale(0, 0, (double) newWidth / g.outWidth(), (double) newHeight / g.outHeight()),
          newWidth, newHeight);
    }
    return g.resize(newWidth, newHeight);
  }

  private static CropGeometry mirror(CropGeometry g, BoxSet boxes) {
    if (boxes != null) {
      boxes.map(new Affine(-1, 0, g.outWidth(), 0, 1, 0), g.outWidth(), g.outHeight());
    }
    return g.mirrored();
  }

  private static CropGeometry mirrorVertically(CropGeometry g, BoxSet boxes) {
    if (boxes != null) {
      boxes.map(new Affine(1, 0, 0, 0, -1, g.outHeight()), g.outWidth(), g.outHeight());
    }
    return g.mirroredVertically();
  }

  private static CropGeometry rotate(CropGeometry g, double degrees, int fill, BoxSet boxes) {
    if (boxes != null && Affine.normalizedDegrees(degrees) != 0) {
      boxes.map(Affine.rotation(degrees, g.outWidth(), g.outHeight()).inverse(), g.outWidth(), g.outHeight());
    }
    return g.rotated(degrees, fill);
  }

  private static CropGeometry pad(CropGeometry g, Pad p, BoxSet boxes) {
    return pad(g, p.left(), p.top(), p.right(), p.bottom(), p.fill(), boxes);
  }

  private static CropGeometry pad(CropGeometry g, int left, int top, int right, int bottom, int fill, BoxSet boxes) {
    CropGeometry padded = g.padded(left, top, right, bottom, fill);
    if (boxes != null) {
      boxes.map(Affine.translateThenScale(left, top, 1, 1), padded.outWidth(), padded.outHeight());
    }
    return padded;
  }

  /**
   * torchvision's {@code RandomZoomOut}: the coin, then the ratio {@code r} (not drawn when the
   * range is one value), then the left and top fractions; the canvas is {@code floor(w * r) x
   * floor(h * r)} (at most {@link Integer#MAX_VALUE}) and the image's offset {@code floor((canvas
   * - size) * fraction)} on each axis.
   */
  private static CropGeometry zoomOut(CropGeometry g, ZoomOut z, SplittableRandom random, BoxSet boxes) {
    if (z.p() == 0 || random.nextDouble() >= z.p()) {
      return g;
    }
    double r = uniform(random, z.minRatio(), z.maxRatio());
    int w = g.outWidth();
    int h = g.outHeight();
    int canvasWidth = (int) Math.min(Integer.MAX_VALUE, Math.floor(w * r));
    int canvasHeight = (int) Math.min(Integer.MAX_VALUE, Math.floor(h * r));
    int left = (int) ((canvasWidth - w) * random.nextDouble());
    int top = (int) ((canvasHeight - h) * random.nextDouble());
    return pad(g, left, top, canvasWidth - w - left, canvasHeight - h - top, z.fill(), boxes);
  }

  /**
   * A window at a uniformly random whole-pixel position; along an axis where the canvas is smaller
   * than the window, the window is centred (the odd pixel of fill goes right or down) and draws
   * nothing for that axis.
   */
  private static CropGeometry randomCrop(CropGeometry g, RandomCrop c, SplittableRandom random, BoxSet boxes) {
    int w = g.outWidth();
    int h = g.outHeight();
    int cx = c.width() < w ? random.nextInt(w - c.width() + 1) : -((c.width() - w) / 2);
    int cy = c.height() < h ? random.nextInt(h - c.height() + 1) : -((c.height() - h) / 2);
    CropGeometry base = c.width() > w || c.height() > h ? g.clipped(c.fill()) : g;
    return crop(base, cx, cy, c.width(), c.height(), c.width(), c.height(), boxes);
  }

  private static CropGeometry ioUCrop(CropGeometry g, RandomIoUCrop c, SplittableRandom random, BoxSet boxes) {
    Region r = IoUCropSampler.sample(c, g.outWidth(), g.outHeight(), boxes, random);
    if (r == null) {
      return g;
    }
    if (boxes != null) {
      boxes.keepCentresInside(r.x(), r.y(), r.x() + r.width(), r.y() + r.height());
    }
    return crop(g, r.x(), r.y(), r.width(), r.height(), r.width(), r.height(), boxes);
  }

  /**
   * The shorter side becomes {@code size}, the longer {@code size * longer / shorter} rounded down:
   * torchvision's {@code Resize(size)}, so that the resized grid (and every pixel after a crop)
   * sits where the reference's does.
   */
  private static CropGeometry resizeShorter(CropGeometry g, int size, BoxSet boxes) {
    int w = g.outWidth();
    int h = g.outHeight();
    if (w <= h) {
      return resize(g, size, (int) Math.max(1, (double) h * size / w), boxes);
    }
    return resize(g, (int) Math.max(1, (double) w * size / h), size, boxes);
  }

  /**
   * The central {@code width x height}, its offset {@code (current - crop) / 2} rounded to a whole
   * pixel, halves to even: torchvision's {@code CenterCrop}, whose crop takes whole pixels of the
   * resized image (a half-pixel offset would resample between them).
   */
  private static CropGeometry centerCrop(CropGeometry g, CenterCrop c, BoxSet boxes) {
    double cw = Math.min(c.width(), g.outWidth());
    double ch = Math.min(c.height(), g.outHeight());
    return crop(g, Math.rint((g.outWidth() - cw) / 2.0), Math.rint((g.outHeight() - ch) / 2.0), cw, ch, c.width(),
        c.height(), boxes);
  }

  private static CropGeometry randomResizedCrop(CropGeometry g, RandomResizedCrop c, SplittableRandom random,
      BoxSet boxes) {
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
        return crop(g, cx, cy, cw, ch, c.width(), c.height(), boxes);
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
    return crop(g, (w - cw) / 2, (h - ch) / 2, cw, ch, c.width(), c.height(), boxes);
  }

  private static double uniform(SplittableRandom random, double min, double max) {
    return min == max ? min : min + (max - min) * random.nextDouble();
  }

  @Override
  public String toString() {
    return "TransformPlan" + specs + " -> " + outWidth + "x" + outHeight;
  }
}
