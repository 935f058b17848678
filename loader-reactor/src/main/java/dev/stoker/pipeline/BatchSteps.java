package dev.stoker.pipeline;


import dev.stoker.api.BatchLayout;
import dev.stoker.api.BatchSlot;
import dev.stoker.api.BatchStep;
import dev.stoker.api.BatchTransformSpec;
import dev.stoker.api.LoaderException;
import dev.stoker.api.MixableBatch;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A loader's batch transforms, run by the {@link RingBridge} on each filled slot just before it is
 * published. Each batch's generator is keyed by (seed, epoch, batch index) ({@link #batchRandom}),
 * and each step gets its own, split from it in order; the batch's samples do not depend on the
 * thread count, and a resumed run gives a batch the same samples and index, so the mixed bytes are
 * the same. A step that throws fails the run with a {@link LoaderException} naming the step.
 */
final class BatchSteps {
  static final BatchSteps NONE = new BatchSteps(List.of(), 0);

  private final List<BatchStep> steps;
  private final long seed;

  private BatchSteps(List<BatchStep> steps, long seed) {
    this.steps = steps;
    this.seed = seed;
  }

  /** The steps of {@code specs}, in order. */
  static BatchSteps of(List<BatchTransformSpec> specs, long seed) {
    List<BatchStep> steps = specs.stream().map(BatchSteps::step).toList();
    return steps.isEmpty() ? NONE : new BatchSteps(steps, seed);
  }

  private static BatchStep step(BatchTransformSpec spec) {
    return switch (spec) {
      case BatchTransformSpec.MixUp m -> new MixUpStep(m);
      case BatchTransformSpec.CutMix c -> new CutMixStep(c);
      case BatchTransformSpec.Custom c -> c.step();
    };
  }

  boolean isEmpty() {
    return steps.isEmpty();
  }

  /** The generator of batch {@code indexInEpoch} of {@code epoch}: keys below -1 never meet a sample's or an order's. */
  static SplittableRandom batchRandom(long seed, int epoch, long indexInEpoch) {
    return new SplittableRandom(EpochOrder.mix(seed, epoch, -2 - indexInEpoch));
  }

  /**
   * Runs every step on {@code slot}, whose header is set.
   *
   * @throws LoaderException naming the step, the epoch and the batch if a step throws
   */
  void apply(BatchSlot slot) {
    if (steps.isEmpty() || slot.size() == 0) {
      return;
    }
    SplittableRandom random = batchRandom(seed, slot.epoch(), slot.indexInEpoch());
    MixableBatch batch = new Writable(slot);
    for (BatchStep step : steps) {
      SplittableRandom own = random.split();
      try {
        step.apply(batch, own);
      } catch (Exception | LinkageError | AssertionError e) {
        throw new LoaderException("batch step " + step.name() + " failed on batch " + slot.indexInEpoch()
            + " of epoch " + slot.epoch() + ": " + e, e);
      }
    }
  }

  /** A slot as a {@link MixableBatch}: its filled positions only. */
  private record Writable(BatchSlot slot) implements MixableBatch {
    @Override
    public MemorySegment sampleMemory(int position) {
      return slot.sampleMemory(Objects.checkIndex(position, slot.size()));
    }

    @Override
    public MemorySegment softTargetMemory(int position) {
      return slot.softTargetMemory(Objects.checkIndex(position, slot.size()));
    }

    @Override
    public BatchLayout layout() {
      return slot.layout();
    }

    @Override
    public int epoch() {
      return slot.epoch();
    }

    @Override
    public long indexInEpoch() {
      return slot.indexInEpoch();
    }

    @Override
    public long nextPosition() {
      return slot.nextPosition();
    }

    @Override
    public int size() {
      return slot.size();
    }

    @Override
    public MemorySegment pixels() {
      return slot.pixels();
    }

    @Override
    public int label(int position) {
      return slot.label(position);
    }

    @Override
    public int sampleIndex(int position) {
      return slot.sampleIndex(position);
    }

    @Override
    public int boxCount(int position) {
      return slot.boxCount(position);
    }

    @Override
    public MemorySegment boxes() {
      return slot.boxes();
    }

    @Override
    public MemorySegment boxLabels() {
      return slot.boxLabels();
    }

    @Override
    public MemorySegment softTargets() {
      return slot.softTargets();
    }

    @Override
    public String toString() {
      return "batch " + slot.indexInEpoch() + " of epoch " + slot.epoch();
    }
  }
}
