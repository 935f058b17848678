package dev.stoker.image;

import dev.stoker.api.internal.Checks;
import dev.stoker.api.DecodeRequest;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.ImageHeader;
import dev.stoker.api.Region;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * Turns one encoded image into one output sample: reads the header, draws the sample's geometry
 * from the {@link TransformPlan} (moving its boxes, if any, with it), decodes only the source
 * region the output shows (at the smallest scale that keeps the output's resolution), maps it
 * straight into the destination memory ({@link GeometryRenderer}), and then runs the plan's
 * output steps (color jitter, grayscale, erasing, blur, photometric distortion, RandAugment,
 * TrivialAugmentWide and users' {@link dev.stoker.api.SampleStep}s; see {@link OutputSteps}) in
 * place on the output, the fewest pixels they could run on, in the order written. A plan that
 * ends with {@code Normalize} renders into a per-thread uint8 scratch image, runs the output steps
 * on it and converts it into the destination as float32.
 *
 * <p>Safe to share between threads: each thread keeps its own decode buffer, resampler and box
 * arrays, so in steady state a sample allocates no buffers. The renderer's scratch (the decoded
 * region, the resampler's and the warp's buffers, which grow with the largest image seen) is one
 * per thread, shared by every processor that runs on it, and after each sample whatever exceeds
 * {@code maxScratchBytes} is given back: a thread keeps at most that much between samples,
 * however many processors (plans) use it and however large an image it once decoded.
 *
 * <pre>{@code
 * SampleProcessor processor = new SampleProcessor(ImageDecoders.best(), plan);
 * processor.process(jpegBytes, "cat.jpg", new SplittableRandom(42), slotMemory);
 * }</pre>
 */
public final class SampleProcessor {
  private final ImageDecoder decoder;
  private final TransformPlan plan;
  /** The default {@code maxScratchBytes}: 64 MiB. */
  public static final long DEFAULT_MAX_SCRATCH_BYTES = 64L << 20;

  /** One renderer per thread, shared by the processors that run on it (a thread renders one sample at a time). */
  private static final ThreadLocal<GeometryRenderer> RENDERERS = ThreadLocal.withInitial(GeometryRenderer::new);

  private final ThreadLocal<Scratch> scratch;
  private final SampleTimer timer;
  private final long sampleBytes;
  private final long maxScratchBytes;

  /**
   * Creates a processor that decodes with {@code decoder} and transforms by {@code plan}.
   *
   * @param decoder decodes the encoded images, not null
   * @param plan the transforms every sample follows, not null
   */
  public SampleProcessor(ImageDecoder decoder, TransformPlan plan) {
    this(decoder, plan, null);
  }

  /**
   * Creates a processor that also tells {@code timer} how each sample's time split between
   * decoding and the rest (two {@code System.nanoTime} calls per sample and two per call into the decoder).
   *
   * @param decoder decodes the encoded images, not null
   * @param plan the transforms every sample follows, not null
   * @param timer told after each sample, or null for none
   */
  public SampleProcessor(ImageDecoder decoder, TransformPlan plan, SampleTimer timer) {
    this(decoder, plan, timer, DEFAULT_MAX_SCRATCH_BYTES);
  }

  /**
   * Creates a processor whose threads keep at most {@code maxScratchBytes} of renderer scratch
   * between samples (see the class documentation).
   *
   * @param decoder decodes the encoded images, not null
   * @param plan the transforms every sample follows, not null
   * @param timer told after each sample, or null for none
   * @param maxScratchBytes scratch kept per thread between samples, at least 0
   */
  public SampleProcessor(ImageDecoder decoder, TransformPlan plan, SampleTimer timer, long maxScratchBytes) {
    this.decoder = Checks.notNull(decoder, "decoder");
    this.plan = Checks.notNull(plan, "plan");
    Checks.argument(maxScratchBytes >= 0, "maxScratchBytes", "must not be negative, got " + maxScratchBytes);
    this.maxScratchBytes = maxScratchBytes;
    this.timer = timer;
    this.sampleBytes = plan.sampleBytes();
    this.scratch = ThreadLocal.withInitial(() -> new Scratch(plan, timer == null ? null : new TimedDecoder(decoder)));
  }

  /**
   * The plan every sample follows.
   *
   * @return the plan given to the constructor
   */
  public TransformPlan plan() {
    return plan;
  }

  /**
   * The decoder.
   *
   * @return the decoder given to the constructor
   */
  public ImageDecoder decoder() {
    return decoder;
  }

  /**
   * The decoder's name.
   *
   * @return the decoder's {@link ImageDecoder#name()}
   */
  public String decoderName() {
    return decoder.name();
  }

  /**
   * Bytes of one output sample: the plan's {@link TransformPlan#sampleBytes()}.
   *
   * @return the bytes one output sample takes
   */
  public long sampleBytes() {
    return sampleBytes;
  }

  /**
   * Processes one sample of an object-detection dataset into {@code out} and moves its boxes with
   * the image. Boxes are 4 floats each, {@code x0, y0, x1, y1} in pixels with {@code x0 <= x1},
   * {@code y0 <= y1}: {@code boxesIn} in the source image's pixels (after EXIF orientation, as the
   * header reports the size), {@code boxesOut} in the output's.
   *
   * <p>The rule: every geometric step moves the boxes with the pixels (a rotation replaces a box by
   * the axis-aligned bounding box of its four rotated corners) and clips them to its canvas; a box
   * with nothing left inside a canvas is dropped there, and {@code RandomIoUCrop} drops the boxes
   * whose centres fall outside its crop. At the end each box is clipped to the output canvas and
   * dropped if its clipped width or height is below 1 output pixel. The kept boxes keep their
   * order. The random draws and the pixels are those of {@link #process(ByteBuffer, String,
   * SplittableRandom, MemorySegment)} except where {@code RandomIoUCrop} or an output step (a
   * user's {@link dev.stoker.api.SampleStep}, RandAugment) looks at the boxes; with no boxes the two
   * are the same, byte for byte. Output steps see and move the boxes in output pixels, before the
   * final rule above. Allocates no buffers (a user's step may).
   *
   * @param encoded the encoded bytes, from position to limit; the position is not moved
   * @param source the sample's name for error messages
   * @param random the sample's own generator, which every random step draws from
   * @param out receives the output sample, at least {@link #sampleBytes()} bytes
   * @param boxesIn the source boxes, at least {@code 4 * boxCount} floats
   * @param boxCount how many boxes {@code boxesIn} holds, at least 0
   * @param boxesOut receives the kept boxes, at least {@code 4 * boxCount} floats
   * @param keptOut receives, for each kept box, its index in {@code boxesIn}; at least {@code boxCount} ints
   * @return the number of boxes kept
   * @throws IllegalArgumentException naming the parameter if {@code out} or a box array is too
   *     small, or a box is not finite or has its corners swapped
   * @throws dev.stoker.api.DecodeException naming {@code source} if the image cannot be decoded
   * @throws dev.stoker.api.SampleStepException naming {@code source} and the step if a user's
   *     {@link dev.stoker.api.SampleStep} throws
   */
  public int process(ByteBuffer encoded, String source, SplittableRandom random, MemorySegment out,
      float[] boxesIn, int boxCount, float[] boxesOut, int[] keptOut) {
    return process(encoded, source, random, out, boxesIn, boxCount, boxesOut, keptOut, false);
  }

  /**
   * As {@link #process(ByteBuffer, String, SplittableRandom, MemorySegment, float[], int, float[], int[])},
   * for a file that may be {@linkplain DecodeRequest#knownSound() known sound}.
   *
   * @param encoded the encoded bytes, from position to limit; the position is not moved
   * @param source the sample's name for error messages
   * @param random the sample's own generator, which every random step draws from
   * @param out receives the output sample, at least {@link #sampleBytes()} bytes
   * @param boxesIn the source boxes, at least {@code 4 * boxCount} floats
   * @param boxCount how many boxes {@code boxesIn} holds, at least 0
   * @param boxesOut receives the kept boxes, at least {@code 4 * boxCount} floats
   * @param keptOut receives, for each kept box, its index in {@code boxesIn}; at least {@code
   *     boxCount} ints
   * @param knownSound whether the file decoded without error before, so a strict decoder may stop
   *     after the region
   * @return the number of boxes kept
   */
  public int process(ByteBuffer encoded, String source, SplittableRandom random, MemorySegment out,
      float[] boxesIn, int boxCount, float[] boxesOut, int[] keptOut, boolean knownSound) {
    BoxSet.checkArrays(boxesIn, boxCount, boxesOut, keptOut);
    Scratch s = scratch.get();
    s.boxes.clear();
    if (boxCount > 0) {
      s.boxes.load(boxesIn, boxCount);
    }
    CropGeometry g = run(encoded, source, random, out, s, knownSound);
    return boxCount > 0 ? s.boxes.finish(g.outWidth(), g.outHeight(), boxesOut, keptOut) : 0;
  }

  /**
   * Processes one sample into {@code out}, which must hold {@link #sampleBytes()} bytes.
   *
   * @param encoded the encoded bytes, from position to limit; the position is not moved
   * @param source the sample's name for error messages
   * @param random the sample's own generator, which every random step draws from
   * @param out receives the output sample, at least {@link #sampleBytes()} bytes
   * @throws IllegalArgumentException naming {@code out} if it is too small
   * @throws dev.stoker.api.DecodeException naming {@code source} if the image cannot be decoded
   * @throws dev.stoker.api.SampleStepException naming {@code source} and the step if a user's
   *     {@link dev.stoker.api.SampleStep} throws
   */
  public void process(ByteBuffer encoded, String source, SplittableRandom random, MemorySegment out) {
    process(encoded, source, random, out, false);
  }

  /**
   * As {@link #process(ByteBuffer, String, SplittableRandom, MemorySegment)}, for a file that may be
   * {@linkplain DecodeRequest#knownSound() known sound}: the loader says so for a file that already
   * decoded without error in an earlier epoch, so that a strict decoder checks each file once.
   *
   * @param encoded the encoded bytes, from position to limit; the position is not moved
   * @param source the sample's name for error messages
   * @param random the sample's own generator, which every random step draws from
   * @param out receives the output sample, at least {@link #sampleBytes()} bytes
   * @param knownSound whether the file decoded without error before, so a strict decoder may stop
   *     after the region
   */
  public void process(ByteBuffer encoded, String source, SplittableRandom random, MemorySegment out,
      boolean knownSound) {
    Scratch s = scratch.get();
    s.boxes.clear();
    run(encoded, source, random, out, s, knownSound);
  }

  private CropGeometry run(ByteBuffer encoded, String source, SplittableRandom random, MemorySegment out, Scratch s,
      boolean knownSound) {
    Checks.notNull(out, "out");
    if (out.byteSize() < sampleBytes()) {
      throw new IllegalArgumentException("out holds " + out.byteSize() + " bytes, a sample needs " + sampleBytes());
    }
    long start = timer == null ? 0 : System.nanoTime();
    ImageDecoder using = s.timed == null ? decoder : s.timed.reset();
    ImageHeader header = using.readHeader(encoded, source);
    CropGeometry g = plan.geometry(header.width(), header.height(), random, s.boxes);
    MemorySegment target = s.normalizer == null ? out : s.bytes.reshape(g.outWidth(), g.outHeight(), 3);
    GeometryRenderer renderer = RENDERERS.get();
    try {
      renderer.render(using, encoded, source, header, g, target, knownSound);
      s.output.apply(target, g.outWidth(), g.outHeight(), s.boxes, random, source, renderer.lastCoverage());
    } finally {
      renderer.trim(maxScratchBytes);
    }
    if (s.normalizer != null) {
      s.normalizer.convert(target, g.outWidth() * g.outHeight(), out);
    }
    if (timer != null) {
      long decodeNanos = s.timed.nanos();
      timer.sample(decodeNanos, System.nanoTime() - start - decodeNanos, (long) header.width() * header.height());
    }
    return g;
  }

  /** Bytes of renderer scratch the calling thread keeps now (for tests). */
  static long threadScratchBytes() {
    return RENDERERS.get().scratchBytes();
  }

  /** The integer rectangle of the image that covers the geometry's fractional one. */
  static Region enclosing(CropGeometry g, ImageHeader header) {
    return GeometryRenderer.enclosing(g.x(), g.y(), g.width(), g.height(), header.width(), header.height());
  }

  private static final class Scratch {
    final BoxSet boxes = new BoxSet();
    final OutputSteps output;
    final Normalizer normalizer;
    final ImageBuffer bytes;
    /** The decoder with a stopwatch, when the processor has a timer. */
    final TimedDecoder timed;

    Scratch(TransformPlan plan, TimedDecoder timed) {
      this.timed = timed;
      this.output = new OutputSteps(plan.outputSteps(), plan.outputPositions());
      this.normalizer = plan.normalize() == null ? null : new Normalizer(plan.normalize());
      this.bytes = plan.normalize() == null ? null : ImageBuffer.allocate((long) plan.outputWidth() * plan.outputHeight() * 3);
    }
  }
}
