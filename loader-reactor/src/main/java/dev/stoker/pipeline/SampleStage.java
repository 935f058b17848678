package dev.stoker.pipeline;

import dev.stoker.api.ImageDecoder;
import dev.stoker.api.SampleSource;
import dev.stoker.decode.ImageDecoders;
import dev.stoker.api.internal.Checks;
import dev.stoker.image.AugmentationPlan;
import dev.stoker.image.LiteralOrderProcessor;
import dev.stoker.image.SampleProcessor;
import dev.stoker.image.TransformPlan;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The decode stage's work on one sample: takes a pooled buffer, decodes and transforms the encoded
 * bytes into its pixels and, for a detection source, moves the sample's boxes with the image and
 * looks up the kept boxes' labels. Runs on the decode workers; allocates nothing but the result
 * record.
 *
 * <p>A strict decoder reads all of a file to find corrupt data outside the region a crop needs;
 * that costs about a tenth of the decode. Files are not expected to change during a run, so each
 * sample index that decoded without error is remembered (one bit each) and later epochs decode
 * only the region of it. A file that failed is checked in full again every time.
 *
 * <p>A detection source's samples always go through the box-aware call, whatever the layout's
 * {@code maxBoxes}: crops that depend on boxes (an IoU crop) then choose the same pixels whether or
 * not the boxes are delivered.
 *
 * <p>{@link #build} is the one place a stage is assembled, for a loader's decode workers
 * ({@link LocalSamples}) and for a node's {@link SampleMaker} alike.
 */
final class SampleStage {
  private static final Logger LOG = LoggerFactory.getLogger(SampleStage.class);
  private final SampleSource source;
  private final SampleProcessor processor;
  /** The steps in the order written (literalOrder, or a step kept in place), or null to run the plan. */
  private final LiteralOrderProcessor literal;
  private final BoxedProcess boxed;
  private final SampleBufferPool pool;
  private final long seed;
  /** One bit per sample index: decoded without error once, under the whole-file check. */
  private final AtomicLongArray sound;
  /** Boxes the transforms dropped (empty after clipping to the image or a crop, or under a pixel). */
  private final java.util.concurrent.atomic.LongAdder droppedBoxes = new java.util.concurrent.atomic.LongAdder();

  /**
   * The stage the settings in {@code b} describe, over its source: the decoder (default
   * {@link ImageDecoders#best()}), a processor for {@code plan} reporting to {@code metrics}, the
   * box-aware call for a detection source, and sample buffers of {@code plan}'s sample size with
   * room for the source's largest box count.
   */
  static SampleStage build(LoaderBuilder b, TransformPlan plan, PipelineMetrics metrics) {
    return build(b, plan, metrics, false);
  }

  /**
   * As {@link #build(LoaderBuilder, TransformPlan, PipelineMetrics)}; with {@code freedByGc}, the
   * sample buffers are freed by the collector instead of by {@link SampleBufferPool#close()} (for a
   * {@link SampleMaker}, which has no close).
   */
  static SampleStage build(LoaderBuilder b, TransformPlan plan, PipelineMetrics metrics, boolean freedByGc) {
    SampleSource source = b.source;
    ImageDecoder decoder = b.decoder != null ? b.decoder : ImageDecoders.best();
    SampleProcessor processor = new SampleProcessor(decoder, plan, metrics, b.maxScratchBytes);
    BoxedProcess boxed = !source.hasBoxes() ? null : b.boxedProcess != null ? b.boxedProcess : processor::process;
    int boxCapacity = source.hasBoxes() ? source.maxBoxCount() : 0;
    SampleBufferPool pool = freedByGc ? SampleBufferPool.freedByGc(plan.sampleBytes(), boxCapacity)
        : new SampleBufferPool(plan.sampleBytes(), boxCapacity);
    if (b.literalOrder) {
      Checks.argument(!source.hasBoxes(), "literalOrder", "runs the steps as written without moving boxes; "
          + "this dataset has boxes");
    }
    LiteralOrderProcessor literal = b.literalOrder || keepsWrittenOrder(plan, source.hasBoxes())
        ? new LiteralOrderProcessor(decoder, plan, metrics) : null;
    return new SampleStage(source, processor, literal, boxed, pool, b.seed);
  }

  /**
   * Whether {@code plan} has a step that moving to the output would change beyond its tolerance
   * ({@link AugmentationPlan#keptInPlace}), so the recipe runs in the order written (logged at
   * debug; the bench says it on its transforms line).
   *
   * @throws IllegalArgumentException naming the transforms, the step, why, and what to write
   *     instead, when the dataset has boxes (the written order does not move them)
   */
  static boolean keepsWrittenOrder(TransformPlan plan, boolean hasBoxes) {
    List<AugmentationPlan.Note> kept = AugmentationPlan.keptInPlace(plan.specs());
    if (kept.isEmpty()) {
      return false;
    }
    if (hasBoxes) {
      AugmentationPlan.Note n = kept.getFirst();
      String step = "step " + (n.step() + 1) + " " + plan.specs().get(n.step()).getClass().getSimpleName();
      throw new IllegalArgumentException("transforms: " + step + " must stay where it is written ("
          + AugmentationPlan.shortReason(n)
          + "), and the written order cannot move boxes, which this dataset has; write " + step
          + " after the geometric steps (after the last crop, resize, pad, flip or rotation)");
    }
    // the bench's transforms line and JSON say it to a person; a program's log, at debug
    if (LOG.isDebugEnabled()) {
      LOG.debug(AugmentationPlan.keptSentence(plan.specs()));
    }
    return true;
  }

  /**
   * @param literal the steps in the order written, or null to run the plan
   * @param boxed the box-aware call for a detection source, or null for a source without boxes
   */
  private SampleStage(SampleSource source, SampleProcessor processor, LiteralOrderProcessor literal,
      BoxedProcess boxed, SampleBufferPool pool, long seed) {
    this.source = source;
    this.processor = processor;
    this.literal = literal;
    this.boxed = boxed;
    this.pool = pool;
    this.seed = seed;
    this.sound = new AtomicLongArray((source.size() + 63) / 64);
  }

  /**
   * Processes sample {@code index} of {@code epoch}.
   *
   * @throws RuntimeException if it cannot be decoded or transformed; the buffer is back in the pool
   */
  ProcessedSample process(int epoch, int index, ByteBuffer bytes) {
    SampleBuffer buffer = pool.acquire();
    try {
      String name = source.sourceName(index);
      SplittableRandom random = EpochOrder.sampleRandom(seed, epoch, index);
      boolean knownSound = isSound(index);
      if (literal != null) {
        literal.process(bytes, name, random, buffer.pixels());
        buffer.boxCount = 0;
      } else if (boxed == null) {
        processor.process(bytes, name, random, buffer.pixels(), knownSound);
        buffer.boxCount = 0;
      } else {
        processBoxes(index, bytes, name, random, buffer, knownSound);
      }
      if (!knownSound) {
        markSound(index);
      }
      return buffer.sample(epoch, index, source.label(index));
    } catch (RuntimeException | Error e) {
      pool.release(buffer);
      throw e;
    }
  }

  /** The processor: its decoder and plan. */
  SampleProcessor processor() {
    return processor;
  }

  /** The buffers the processed samples live in. */
  SampleBufferPool pool() {
    return pool;
  }

  /** The source the samples are read from. */
  SampleSource source() {
    return source;
  }

  private boolean isSound(int index) {
    return (sound.get(index >>> 6) & (1L << index)) != 0;
  }

  private void markSound(int index) {
    sound.getAndAccumulate(index >>> 6, 1L << index, (a, b) -> a | b);
  }

  private void processBoxes(int index, ByteBuffer bytes, String name, SplittableRandom random, SampleBuffer buffer,
      boolean knownSound) {
    int count = source.copyBoxes(index, buffer.sourceBoxes, buffer.sourceLabels);
    int kept = boxed.process(bytes, name, random, buffer.pixels(), buffer.sourceBoxes, count, buffer.boxes,
        buffer.kept, knownSound);
    if (kept < 0 || kept > count) {
      throw new IllegalStateException(name + ": the transforms kept " + kept + " of " + count + " boxes");
    }
    for (int k = 0; k < kept; k++) {
      int from = buffer.kept[k];
      if (from < 0 || from >= count) {
        throw new IllegalStateException(name + ": kept box " + k + " names input box " + from + " of " + count);
      }
      buffer.boxLabels[k] = buffer.sourceLabels[from];
    }
    buffer.boxCount = kept;
    if (kept < count) {
      droppedBoxes.add(count - kept);
    }
  }

  /** Boxes the transforms dropped so far: empty after clipping (to the image or a crop) or under a pixel. */
  long droppedBoxes() {
    return droppedBoxes.sum();
  }
}
