package dev.stoker.pipeline;

import dev.stoker.api.BatchConsumer;
import dev.stoker.api.BatchLayout;
import dev.stoker.api.BatchRing;
import dev.stoker.api.BatchSlot;
import dev.stoker.api.LoaderException;
import dev.stoker.api.RingStats;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * A plain {@link BatchRing} for tests of the pipeline (loader-reactor must not depend on the
 * Disruptor ring in loader-cuda). Slots are used round-robin, claimed, published and released in
 * order, all under one monitor. Besides {@link #drain}, a test can consume batches one at a time
 * with {@link #consumeOne()}. It records what a test needs to check the producer's manners: claims
 * that found no free slot, the largest occupancy, and whether the run was failed.
 */
final class TestRing implements BatchRing {
  private final BatchLayout layout;
  private final Slot[] slots;
  private final Arena arena = Arena.ofShared();
  private long claimed;
  private long published;
  private long released;
  private boolean completed;
  private Throwable failure;
  private volatile IntConsumer listener = n -> { };
  private int failedClaims;
  private int maxOccupancy;
  private long batches;
  private long samples;

  TestRing(BatchLayout layout, int slots) {
    this.layout = layout;
    this.slots = new Slot[slots];
    for (int i = 0; i < slots; i++) {
      this.slots[i] = new Slot(arena.allocate(layout.batchBytes()), arena.allocate(Math.max(1, layout.boxBytes())),
          arena.allocate(Math.max(1, layout.boxLabelBytes())));
    }
  }

  /** A factory that hands out one ring and keeps it for the test to inspect. */
  static final class Factory implements BatchRing.Factory {
    volatile TestRing ring;

    @Override
    public BatchRing create(BatchLayout layout, int slots) {
      ring = new TestRing(layout, slots);
      return ring;
    }
  }

  /** What a consumer saw of one batch, copied out while it was valid. */
  record Seen(int epoch, long indexInEpoch, int size, int[] sampleIndices, int[] labels, byte[] pixels,
      int[] boxCounts, float[] boxes, int[] boxLabels) {
    static Seen of(dev.stoker.api.Batch b) {
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
    return layout;
  }

  @Override
  public int slots() {
    return slots.length;
  }

  @Override
  public String memoryKind() {
    return "test";
  }

  @Override
  public synchronized BatchSlot tryClaim() {
    if (claimed - released >= slots.length) {
      failedClaims++;
      return null;
    }
    Slot slot = slots[(int) (claimed % slots.length)];
    slot.sequence = claimed++;
    slot.setHeader(0, 0, 0);
    maxOccupancy = Math.max(maxOccupancy, occupancy());
    return slot;
  }

  @Override
  public synchronized void publish(BatchSlot slot) {
    Slot own = (Slot) slot;
    if (own.sequence != published) {
      throw new IllegalStateException("published out of order: " + own.sequence + ", expected " + published);
    }
    published++;
    notifyAll();
  }

  @Override
  public synchronized void complete() {
    completed = true;
    notifyAll();
  }

  @Override
  public synchronized void fail(Throwable error) {
    failure = Objects.requireNonNull(error);
    notifyAll();
  }

  @Override
  public void onRelease(IntConsumer listener) {
    this.listener = listener;
  }

  @Override
  public synchronized int occupancy() {
    return (int) (claimed - released);
  }

  @Override
  public synchronized RingStats stats() {
    return new RingStats(batches, samples, 0, 0);
  }

  /** Consumes the oldest published batch, if any, releases its slot and tells the listener. */
  Seen consumeOne() {
    Seen seen;
    synchronized (this) {
      if (released == published) {
        return null;
      }
      seen = Seen.of(slots[(int) (released % slots.length)]);
      release();
    }
    listener.accept(1);
    return seen;
  }

  private void release() {
    batches++;
    samples += slots[(int) (released % slots.length)].size;
    released++;
  }

  @Override
  public RingStats drain(BatchConsumer consumer) {
    RingStats before = stats();
    while (true) {
      Slot next;
      synchronized (this) {
        while (released == published && !completed && failure == null) {
          try {
            wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LoaderException("interrupted", e);
          }
        }
        if (released == published) {
          completed = false;
          Throwable error = failure;
          failure = null;
          if (error != null) {
            throw error instanceof LoaderException le ? le : new LoaderException("pipeline failed: " + error, error);
          }
          return stats().minus(before);
        }
        next = slots[(int) (released % slots.length)];
      }
      try {
        consumer.accept(next);
      } catch (Exception e) {
        throw new LoaderException("batch consumer failed: " + e, e);
      }
      synchronized (this) {
        release();
      }
      listener.accept(1);
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
    arena.close();
  }

  /** Whether {@link #close()} freed the slots. */
  boolean closed() {
    return !arena.scope().isAlive();
  }

  /** A slot that keeps pixels, boxes and box labels in three blocks; padding as the contract says. */
  private final class Slot implements BatchSlot {
    private final MemorySegment memory;
    private final MemorySegment boxMemory;
    private final MemorySegment labelMemory;
    private final int[] labels = new int[layout.batchSize()];
    private final int[] indices = new int[layout.batchSize()];
    private final int[] boxCounts = new int[layout.batchSize()];
    private int epoch;
    private long indexInEpoch;
    private int size;
    private long nextPosition;
    private long sequence;

    Slot(MemorySegment memory, MemorySegment boxMemory, MemorySegment labelMemory) {
      this.memory = memory;
      this.boxMemory = boxMemory;
      this.labelMemory = labelMemory;
    }

    @Override
    public int boxCount(int position) {
      return boxCounts[Objects.checkIndex(position, size)];
    }

    @Override
    public MemorySegment boxes() {
      return boxMemory.asSlice(0, (long) size * layout.maxBoxes() * 16).asReadOnly();
    }

    @Override
    public MemorySegment boxLabels() {
      return labelMemory.asSlice(0, (long) size * layout.maxBoxes() * 4).asReadOnly();
    }

    @Override
    public void setBoxes(int position, float[] boxes, int[] boxLabels, int count) {
      Objects.checkIndex(position, layout.batchSize());
      if (count < 0 || count > layout.maxBoxes()) {
        throw new IllegalArgumentException("count " + count);
      }
      int max = layout.maxBoxes();
      for (int k = 0; k < max; k++) {
        for (int c = 0; c < 4; c++) {
          boxMemory.setAtIndex(ValueLayout.JAVA_FLOAT, (position * max + k) * 4L + c, k < count ? boxes[4 * k + c] : 0f);
        }
        labelMemory.setAtIndex(ValueLayout.JAVA_INT, position * max + k, k < count ? boxLabels[k] : -1);
      }
      boxCounts[position] = count;
    }

    @Override
    public BatchLayout layout() {
      return layout;
    }

    @Override
    public int epoch() {
      return epoch;
    }

    @Override
    public long indexInEpoch() {
      return indexInEpoch;
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public long nextPosition() {
      return nextPosition;
    }

    @Override
    public MemorySegment pixels() {
      return memory.asSlice(0, size * layout.sampleBytes()).asReadOnly();
    }

    @Override
    public int label(int position) {
      return labels[Objects.checkIndex(position, size)];
    }

    @Override
    public int sampleIndex(int position) {
      return indices[Objects.checkIndex(position, size)];
    }

    @Override
    public MemorySegment sampleMemory(int position) {
      Objects.checkIndex(position, layout.batchSize());
      return memory.asSlice(position * layout.sampleBytes(), layout.sampleBytes());
    }

    @Override
    public void setSample(int position, int sampleIndex, int label) {
      Objects.checkIndex(position, layout.batchSize());
      indices[position] = sampleIndex;
      labels[position] = label;
      if (layout.hasBoxes()) {
        setBoxes(position, new float[0], new int[0], 0);
      }
    }

    @Override
    public void setHeader(int epoch, long indexInEpoch, int size, long nextPosition) {
      if (size < 0 || size > layout.batchSize()) {
        throw new IllegalArgumentException("size " + size);
      }
      this.epoch = epoch;
      this.indexInEpoch = indexInEpoch;
      this.size = size;
      this.nextPosition = nextPosition;
    }
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
