package dev.stoker.image;

import dev.stoker.api.Checks;
import dev.stoker.api.DecodeRequest;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.ImageHeader;
import dev.stoker.api.Region;
import dev.stoker.api.TransformSpec;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Turns one encoded image into one output sample: reads the header, draws the sample's geometry
 * from the {@link TransformPlan}, decodes only the source rectangle the output shows (at the
 * smallest scale that keeps the output's resolution), resamples it straight into the destination
 * memory, and then runs the plan's photometric steps (color jitter, grayscale) in place on the
 * output, the fewest pixels they could run on.
 *
 * <p>Safe to share between threads: each thread keeps its own decode buffer and resampler, so in
 * steady state a sample allocates nothing.
 *
 * <pre>{@code
 * SampleProcessor processor = new SampleProcessor(ImageDecoders.best(), plan);
 * processor.process(jpegBytes, "cat.jpg", new SplittableRandom(42), slotMemory);
 * }</pre>
 */
public final class SampleProcessor {
  private final ImageDecoder decoder;
  private final TransformPlan plan;
  private final ThreadLocal<Scratch> scratch;

  /** Creates a processor that decodes with {@code decoder} and transforms by {@code plan}. */
  public SampleProcessor(ImageDecoder decoder, TransformPlan plan) {
    this.decoder = Checks.notNull(decoder, "decoder");
    this.plan = Checks.notNull(plan, "plan");
    List<TransformSpec> photometric = plan.photometric();
    this.scratch = ThreadLocal.withInitial(() -> new Scratch(photometric));
  }

  /** The plan every sample follows. */
  public TransformPlan plan() {
    return plan;
  }

  /** The decoder's name. */
  public String decoderName() {
    return decoder.name();
  }

  /** Bytes of one output sample: 3 channels of uint8, or of float32 when the plan normalizes. */
  public long sampleBytes() {
    return (long) plan.outputWidth() * plan.outputHeight() * 3 * (plan.floatOutput() ? Float.BYTES : 1);
  }

  /**
   * Processes one sample of an object-detection dataset into {@code out} and moves its boxes with
   * the image. Boxes are 4 floats each, {@code x0, y0, x1, y1} in pixels with {@code x0 < x1},
   * {@code y0 < y1}: {@code boxesIn} in the source image's pixels, {@code boxesOut} in the
   * output's. Boxes are clipped to the output and dropped when degenerate (see {@link TransformPlan}).
   * Allocates nothing.
   *
   * @param boxesIn the source boxes, at least {@code 4 * boxCount} floats
   * @param boxCount how many boxes {@code boxesIn} holds
   * @param boxesOut receives the kept boxes, at least {@code 4 * boxCount} floats
   * @param keptOut receives, for each kept box, its index in {@code boxesIn}; at least {@code boxCount} ints
   * @return the number of boxes kept
   * @throws dev.stoker.api.DecodeException naming {@code source} if the image cannot be decoded
   */
  public int process(ByteBuffer encoded, String source, SplittableRandom random, MemorySegment out,
      float[] boxesIn, int boxCount, float[] boxesOut, int[] keptOut) {
    throw new UnsupportedOperationException("boxes are not implemented yet");
  }

  /**
   * Processes one sample into {@code out}, which must hold {@link #sampleBytes()} bytes.
   *
   * @throws dev.stoker.api.DecodeException naming {@code source} if the image cannot be decoded
   */
  public void process(ByteBuffer encoded, String source, SplittableRandom random, MemorySegment out) {
    if (out.byteSize() < sampleBytes()) {
      throw new IllegalArgumentException("out holds " + out.byteSize() + " bytes, a sample needs " + sampleBytes());
    }
    ImageHeader header = decoder.readHeader(encoded, source);
    CropGeometry g = plan.geometry(header.width(), header.height(), random);
    Region region = enclosing(g, header);
    int minWidth = minimumSize(g.outWidth(), region.width(), g.width());
    int minHeight = minimumSize(g.outHeight(), region.height(), g.height());
    Scratch s = scratch.get();
    decoder.decode(encoded, new DecodeRequest(region, minWidth, minHeight), s.decoded, source);
    double kx = (double) s.decoded.width() / region.width();
    double ky = (double) s.decoded.height() / region.height();
    s.resampler.resample(s.decoded, (g.x() - region.x()) * kx, (g.y() - region.y()) * ky,
        g.width() * kx, g.height() * ky, g.outWidth(), g.outHeight(), g.flip(), g.flipVertical(), out);
    s.photometric.apply(out, g.outWidth() * g.outHeight(), random);
  }

  /** The integer rectangle of the image that covers the geometry's fractional one. */
  static Region enclosing(CropGeometry g, ImageHeader header) {
    int x0 = clamp((int) Math.floor(g.x()), 0, header.width() - 1);
    int y0 = clamp((int) Math.floor(g.y()), 0, header.height() - 1);
    int x1 = clamp((int) Math.ceil(g.x() + g.width()), x0 + 1, header.width());
    int y1 = clamp((int) Math.ceil(g.y() + g.height()), y0 + 1, header.height());
    return new Region(x0, y0, x1 - x0, y1 - y0);
  }

  private static int minimumSize(int out, int regionSize, double cropSize) {
    return clamp((int) Math.ceil(out * regionSize / cropSize), 1, regionSize);
  }

  private static int clamp(int v, int min, int max) {
    return Math.max(min, Math.min(max, v));
  }

  private static final class Scratch {
    final ImageBuffer decoded = ImageBuffer.allocate(1 << 20);
    final Resampler resampler = new Resampler();
    final PhotometricOps photometric;

    Scratch(List<TransformSpec> photometric) {
      this.photometric = new PhotometricOps(photometric);
    }
  }
}
