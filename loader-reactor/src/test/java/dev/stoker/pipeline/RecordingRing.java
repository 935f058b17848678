package dev.stoker.pipeline;

import dev.stoker.api.Batch;
import dev.stoker.api.BatchConsumer;
import dev.stoker.api.BatchLayout;
import dev.stoker.api.BatchRing;
import dev.stoker.api.BatchSlot;
import dev.stoker.api.RingStats;
import dev.stoker.ring.DisruptorBatchRing;
import dev.stoker.ring.ReleaseFence;
import dev.stoker.ring.SlotMemory;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The real ring ({@link DisruptorBatchRing} in direct memory) with what a test of the pipeline
 * checks about the producer's manners: claims that found no free slot, the largest occupancy,
 * slots published in the order they were claimed, whether the run was completed or failed, and
 * whether closing freed the slots. Besides {@link #drain}, a test can consume batches one at a time
 * on its own thread with {@link #consumeOne()}.
 */
final class RecordingRing implements BatchRing, FencedRing {
  private final DisruptorBatchRing ring;
  /** Claimed slots not yet published, oldest first: the producer must publish in claim order. */
  private final ArrayDeque<BatchSlot> unpublished = new ArrayDeque<>();
  private int failedClaims;
  private int maxOccupancy;
  private long published;
  private boolean completed;
  private Throwable failure;
  private volatile boolean memoryClosed;

  RecordingRing(BatchLayout layout, int slots) {
    this.ring = new DisruptorBatchRing(layout, slots, SlotMemory.direct().beforeClose(() -> memoryClosed = true));
  }

  /** A factory that hands out one ring and keeps it for the test to inspect. */
  static final class Factory implements BatchRing.Factory {
    volatile RecordingRing ring;

    @Override
    public BatchRing create(BatchLayout layout, int slots) {
      ring = new RecordingRing(layout, slots);
      return ring;
    }
  }

  /** What a consumer saw of one batch, copied out while it was valid. */
  record Seen(int epoch, long indexInEpoch, int size, int[] sampleIndices, int[] labels, byte[] pixels,
      int[] boxCounts, float[] boxes, int[] boxLabels) {
    static Seen of(Batch b) {
      int[] indices = new int[b.size()];
      int[] labels = new int[b.size()];
      int[] boxCounts = new int[b.size()];
      for (int p = 0; p < b.size(); p++) {
        indices[p] = b.sampleIndex(p);
        labels[p] = b.label(p);
        boxCounts[p] = b.boxCount(p);
      }
      return new Seen(b.epoch(), b.indexInEpoch(), b.size(), indices, labels, b.pixels().toArray(ValueLayout.JAVA_BYTE),
          boxCounts, b.boxes().toArray(ValueLayout.JAVA_FLOAT), b.boxLabels().toArray(ValueLayout.JAVA_INT));
    }

    /** The {@code boxCount} real boxes of position {@code p}, 4 floats each, for a layout of {@code maxBoxes}. */
    float[] boxesOf(int p, int maxBoxes) {
      float[] out = new float[4 * boxCounts[p]];
      System.arraycopy(boxes, p * maxBoxes * 4, out, 0, out.length);
      return out;
    }

    /** The labels of the real boxes of position {@code p}. */
    int[] boxLabelsOf(int p, int maxBoxes) {
      int[] out = new int[boxCounts[p]];
      System.arraycopy(boxLabels, p * maxBoxes, out, 0, out.length);
      return out;
    }

    /** The pixels of position {@code p}. */
    byte[] sample(int p, long sampleBytes) {
      byte[] out = new byte[(int) sampleBytes];
      System.arraycopy(pixels, (int) (p * sampleBytes), out, 0, out.length);
      return out;
    }
  }

  @Override
  public BatchLayout layout() {
    return ring.layout();
  }

  @Override
  public int slots() {
    return ring.slots();
  }

  @Override
  public String memoryKind() {
    return ring.memoryKind();
  }

  @Override
  public synchronized BatchSlot tryClaim() {
    BatchSlot slot = ring.tryClaim();
    if (slot == null) {
      failedClaims++;
      return null;
    }
    unpublished.addLast(slot);
    maxOccupancy = Math.max(maxOccupancy, ring.occupancy());
    return slot;
  }

  @Override
  public void publish(BatchSlot slot) {
    synchronized (this) {
      if (unpublished.peekFirst() != slot) {
        throw new IllegalStateException("published out of order: " + slot + ", expected " + unpublished.peekFirst());
      }
      unpublished.removeFirst();
      published++;
    }
    ring.publish(slot);
  }

  @Override
  public void complete() {
    synchronized (this) {
      completed = true;
    }
    ring.complete();
  }

  @Override
  public void fail(Throwable error) {
    synchronized (this) {
      failure = error;
    }
    ring.fail(error);
  }

  @Override
  public void onRelease(IntConsumer listener) {
    ring.onRelease(listener);
  }

  @Override
  public int occupancy() {
    return ring.occupancy();
  }

  @Override
  public RingStats stats() {
    return ring.stats();
  }

  @Override
  public void releaseWhen(ReleaseFence fence) {
    ring.releaseWhen(fence);
  }

  /** Consumes the oldest published batch, if any, on the calling thread; its slot is released and the listener told. */
  Seen consumeOne() {
    Seen[] seen = {null};
    ring.poll(batch -> seen[0] = Seen.of(batch));
    return seen[0];
  }

  @Override
  public RingStats drain(BatchConsumer consumer) {
    try {
      return ring.drain(consumer);
    } finally {
      synchronized (this) {
        completed = false;
        failure = null;
      }
    }
  }

  /** Claims that found every slot in use: a well-behaved producer makes none. */
  synchronized int failedClaims() {
    return failedClaims;
  }

  /** The largest number of slots in use at once. */
  synchronized int maxOccupancy() {
    return maxOccupancy;
  }

  /** Batches published so far. */
  synchronized long published() {
    return published;
  }

  /** The error the run was failed with and that no drain has thrown yet, or null. */
  synchronized Throwable failure() {
    return failure;
  }

  /** Whether the producer completed the run and no drain has consumed that yet. */
  synchronized boolean completed() {
    return completed;
  }

  @Override
  public void close() {
    ring.close();
  }

  /** Whether {@link #close()} freed the slots. */
  boolean closed() {
    return memoryClosed;
  }

  /** Every batch's positions in order, for "each index exactly once" checks. */
  static List<Integer> indicesOf(List<Seen> seen) {
    List<Integer> out = new ArrayList<>();
    for (Seen s : seen) {
      for (int i : s.sampleIndices()) {
        out.add(i);
      }
    }
    return out;
  }
}
