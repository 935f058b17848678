package dev.stoker.image;

import dev.stoker.api.DecodeException;
import dev.stoker.api.DecodeRequest;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.ImageHeader;
import dev.stoker.api.Region;
import dev.stoker.api.TransformSpec;
import dev.stoker.api.TransformSpec.Normalize;
import dev.stoker.api.internal.Checks;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Runs a plan's steps in the order written, as a naive pipeline does: decodes the whole image at
 * full size, then runs each step on the image the step before it produced, at that image's
 * resolution. It is the baseline that {@code bench --literal-order} measures Stoker's folded plan
 * against ({@link AugmentationPlan} estimates the same two), not a faster path.
 *
 * <p>Each geometric step is one {@link TransformPlan#step} geometry on the current image, drawn at
 * that image's size, rendered by the project's {@link GeometryRenderer} from the current image
 * (never scaled on the way in: a crop copies its rows, then the {@link Resampler} or the
 * {@link AffineWarp} makes the step's output); each output step ({@code ColorJitter}, {@code
 * Grayscale}, blur, erasing, ...) is {@link OutputSteps} on the current image; a final {@code
 * Normalize} converts as the normal path does. Random numbers are drawn step by step in the order
 * written, so the bytes differ from {@link SampleProcessor}'s (which draws every geometric choice
 * first and runs colour on the output), and are the same for the same seed at any thread count.
 *
 * <p>Thread-safe: each thread keeps its own two image buffers (they grow to the largest image
 * seen; a 12 MP photograph takes two 36 MB buffers per thread), renderer and steps. Boxes are not
 * moved: a detection dataset is refused by the loader.
 *
 * <pre>{@code
 * LiteralOrderProcessor literal = new LiteralOrderProcessor(ImageDecoders.best(), plan, null);
 * literal.process(jpegBytes, "cat.jpg", new SplittableRandom(42), slotMemory);
 * }</pre>
 */
public final class LiteralOrderProcessor {
  private static final ByteBuffer NO_BYTES = ByteBuffer.allocate(0);

  private final ImageDecoder decoder;
  private final TransformPlan plan;
  private final SampleTimer timer;
  private final ThreadLocal<Scratch> scratch;

  /**
   * Creates an executor of {@code plan}'s steps in the order written.
   *
   * @param decoder decodes the encoded images, not null; asked for the whole image at full size
   * @param plan the steps, not null
   * @param timer told after each sample how its time split between decoding and the steps, or null
   */
  public LiteralOrderProcessor(ImageDecoder decoder, TransformPlan plan, SampleTimer timer) {
    this.decoder = Checks.notNull(decoder, "decoder");
    this.plan = Checks.notNull(plan, "plan");
    this.timer = timer;
    this.scratch = ThreadLocal.withInitial(() -> new Scratch(plan.specs()));
  }

  /**
   * The plan whose steps run.
   *
   * @return the plan given to the constructor
   */
  public TransformPlan plan() {
    return plan;
  }

  /**
   * Processes one sample into {@code out}: full decode, then every step in the order written.
   *
   * @param encoded the encoded bytes, from position to limit; the position is not moved
   * @param source the sample's name for error messages
   * @param random the sample's own generator, which every random step draws from in the order written
   * @param out receives the output sample, at least {@link TransformPlan#sampleBytes()} bytes
   * @throws IllegalArgumentException naming {@code out} if it is too small
   * @throws DecodeException naming {@code source} if the image cannot be decoded
   * @throws dev.stoker.api.SampleStepException naming {@code source} and the step if a user's step throws
   */
  public void process(ByteBuffer encoded, String source, SplittableRandom random, MemorySegment out) {
    Checks.notNull(encoded, "encoded");
    Checks.notNull(random, "random");
    Checks.notNull(out, "out");
    Checks.argument(out.byteSize() >= plan.sampleBytes(), "out",
        "holds " + out.byteSize() + " bytes, a sample needs " + plan.sampleBytes());
    Scratch s = scratch.get();
    long start = timer == null ? 0 : System.nanoTime();
    ImageHeader header = decoder.readHeader(encoded, source);
    decoder.decode(encoded, DecodeRequest.full(header), s.current, source);
    if (s.current.width() != header.width() || s.current.height() != header.height()) {
      throw new DecodeException(source, "decoded " + s.current.width() + "x" + s.current.height()
          + ", not the full " + header.width() + "x" + header.height());
    }
    long decoded = timer == null ? 0 : System.nanoTime();
    List<TransformSpec> specs = plan.specs();
    try {
      for (int i = 0; i < specs.size(); i++) {
        TransformSpec spec = specs.get(i);
        if (s.output[i] != null) {
          s.output[i].apply(s.current.pixels(), s.current.width(), s.current.height(), null, random, source);
        } else if (!(spec instanceof Normalize)) {
          geometric(s, spec, random, source);
        }
      }
    } finally {
      s.renderer.trim(SampleProcessor.DEFAULT_MAX_SCRATCH_BYTES);
    }
    int w = s.current.width();
    int h = s.current.height();
    if (w != plan.outputWidth() || h != plan.outputHeight()) {
      throw new IllegalStateException(source + ": the steps ended at " + w + "x" + h + ", the plan at "
          + plan.outputWidth() + "x" + plan.outputHeight());
    }
    if (s.normalizer != null) {
      s.normalizer.convert(s.current.pixels(), w * h, out);
    } else {
      MemorySegment.copy(s.current.pixels(), 0, out, 0, (long) w * h * 3);
    }
    if (timer != null) {
      long end = System.nanoTime();
      timer.sample(decoded - start, end - decoded);
    }
  }

  /** One geometric step on the current image, at its size; a step that drew no change leaves it as it is. */
  private static void geometric(Scratch s, TransformSpec spec, SplittableRandom random, String source) {
    int w = s.current.width();
    int h = s.current.height();
    CropGeometry identity = CropGeometry.identity(w, h);
    CropGeometry g = TransformPlan.step(identity, spec, random, null);
    if (g.equals(identity)) {
      return;   // a flip or rotation whose coin said no
    }
    MemorySegment target = s.next.reshape(g.outWidth(), g.outHeight(), 3);
    s.held.image = s.current;
    s.renderer.render(s.held, NO_BYTES, source, new ImageHeader(w, h, "rgb"), g, target, true);
    ImageBuffer swap = s.current;
    s.current = s.next;
    s.next = swap;
  }

  /**
   * The current image as a decoder: a region is a row-by-row copy, never scaled (a naive pipeline
   * crops its full-size image and resamples from it).
   */
  static final class HeldImage implements ImageDecoder {
    ImageBuffer image;

    @Override
    public String name() {
      return "held-image";
    }

    @Override
    public ImageHeader readHeader(ByteBuffer encoded, String source) {
      return new ImageHeader(image.width(), image.height(), "rgb");
    }

    @Override
    public void decode(ByteBuffer encoded, DecodeRequest request, ImageBuffer destination, String source) {
      Region r = request.region();
      int w = image.width();
      MemorySegment from = image.pixels();
      MemorySegment to = destination.reshape(r.width(), r.height(), 3);
      long rowBytes = (long) r.width() * 3;
      for (int y = 0; y < r.height(); y++) {
        MemorySegment.copy(from, ((long) (r.y() + y) * w + r.x()) * 3, to, y * rowBytes, rowBytes);
      }
    }
  }

  private static final class Scratch {
    ImageBuffer current = ImageBuffer.allocate(0);
    ImageBuffer next = ImageBuffer.allocate(0);
    final GeometryRenderer renderer = new GeometryRenderer();
    final HeldImage held = new HeldImage();
    /** Per step: its output stage when it is an output step, else null. */
    final OutputSteps[] output;
    final Normalizer normalizer;

    Scratch(List<TransformSpec> specs) {
      output = new OutputSteps[specs.size()];
      Normalizer n = null;
      for (int i = 0; i < specs.size(); i++) {
        TransformSpec spec = specs.get(i);
        if (spec instanceof Normalize normalize) {
          n = new Normalizer(normalize);
        } else if (AugmentationPlan.kindOf(spec) == AugmentationPlan.Kind.OUTPUT) {
          output[i] = new OutputSteps(List.of(spec));
        }
      }
      this.normalizer = n;
    }
  }
}
