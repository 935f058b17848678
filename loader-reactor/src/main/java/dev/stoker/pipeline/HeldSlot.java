package dev.stoker.pipeline;

import dev.stoker.api.Batch;
import dev.stoker.api.BatchLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A ring slot as a {@link HeldBatch}: every accessor checks the released flag, and the segments it
 * hands out are the slot's, rescoped to an arena of this batch's own that {@link #release()}
 * closes; so a segment kept past the release throws instead of reading the slot's next batch.
 */
final class HeldSlot implements HeldBatch {
  private final Batch slot;
  private final Arena arena = Arena.ofShared();
  private final AtomicBoolean released = new AtomicBoolean();
  private final Consumer<HeldSlot> onRelease;
  private final String name;

  HeldSlot(Batch slot, Consumer<HeldSlot> onRelease) {
    this.slot = slot;
    this.onRelease = onRelease;
    this.name = "batch " + slot.indexInEpoch() + " of epoch " + slot.epoch();
  }

  private Batch slot() {
    if (released.get()) {
      throw new IllegalStateException(this + " was released; its slot may hold another batch by now"
          + " (copy out what must outlive the batch)");
    }
    return slot;
  }

  // Rescoping keeps the slot's address and size (and read-only view): it only ties the segment's
  // lifetime to this batch's arena, so it cannot reach memory the slot does not own.
  @SuppressWarnings("restricted")
  private MemorySegment scoped(MemorySegment segment) {
    return segment.byteSize() == 0 ? segment : segment.reinterpret(arena, null);
  }

  @Override
  public void release() {
    if (released.compareAndSet(false, true)) {
      arena.close();
      onRelease.accept(this);
    }
  }

  @Override
  public boolean released() {
    return released.get();
  }

  @Override
  public BatchLayout layout() {
    return slot().layout();
  }

  @Override
  public int epoch() {
    return slot().epoch();
  }

  @Override
  public long indexInEpoch() {
    return slot().indexInEpoch();
  }

  @Override
  public long nextPosition() {
    return slot().nextPosition();
  }

  @Override
  public int size() {
    return slot().size();
  }

  @Override
  public MemorySegment pixels() {
    return scoped(slot().pixels());
  }

  @Override
  public int label(int position) {
    return slot().label(position);
  }

  @Override
  public int sampleIndex(int position) {
    return slot().sampleIndex(position);
  }

  @Override
  public int boxCount(int position) {
    return slot().boxCount(position);
  }

  @Override
  public MemorySegment boxes() {
    return scoped(slot().boxes());
  }

  @Override
  public MemorySegment boxLabels() {
    return scoped(slot().boxLabels());
  }

  @Override
  public MemorySegment softTargets() {
    return scoped(slot().softTargets());
  }

  /** Names the batch by its place (read when it was handed out, so it stays right after the release). */
  @Override
  public String toString() {
    return name;
  }
}
