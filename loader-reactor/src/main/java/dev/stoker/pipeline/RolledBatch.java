package dev.stoker.pipeline;

import dev.stoker.api.ElementType;
import dev.stoker.api.MixableBatch;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Mixes each sample of a batch with its partner in the batch rolled by one (torchvision's
 * {@code batch.roll(1, 0)}): sample {@code i} with sample {@code i - 1}, sample 0 with the last. It
 * works in place, from the last sample down, so each partner is still unmixed when it is read; the
 * last sample's original is kept for sample 0.
 */
final class RolledBatch {
  private RolledBatch() {}

  /** Soft targets: {@code row(i) = lambda * row(i) + (1 - lambda) * row(i - 1)}, in double, stored as float. */
  static void mixSoftTargets(MixableBatch batch, double lambda) {
    int n = batch.size();
    if (n == 0) {
      return;
    }
    float[] last = batch.softTargetMemory(n - 1).toArray(ValueLayout.JAVA_FLOAT);
    for (int i = n - 1; i >= 0; i--) {
      MemorySegment row = batch.softTargetMemory(i);
      float[] own = row.toArray(ValueLayout.JAVA_FLOAT);
      float[] partner = i == 0 ? last : batch.softTargetMemory(i - 1).toArray(ValueLayout.JAVA_FLOAT);
      for (int c = 0; c < own.length; c++) {
        own[c] = (float) (lambda * own[c] + (1 - lambda) * partner[c]);
      }
      MemorySegment.copy(own, 0, row, ValueLayout.JAVA_FLOAT, 0, own.length);
    }
  }

  /**
   * Pixels: {@code lambda * own + (1 - lambda) * partner}, computed in double; uint8 rounds to the
   * nearest integer, halves up ({@code floor(v + 0.5)}), float32 stores the float nearest.
   */
  static void mixPixels(MixableBatch batch, double lambda) {
    int n = batch.size();
    if (n == 0) {
      return;
    }
    boolean floats = batch.layout().elementType() == ElementType.FLOAT32;
    if (floats) {
      float[] last = batch.sampleMemory(n - 1).toArray(ValueLayout.JAVA_FLOAT);
      for (int i = n - 1; i >= 0; i--) {
        MemorySegment memory = batch.sampleMemory(i);
        float[] own = memory.toArray(ValueLayout.JAVA_FLOAT);
        float[] partner = i == 0 ? last : batch.sampleMemory(i - 1).toArray(ValueLayout.JAVA_FLOAT);
        for (int k = 0; k < own.length; k++) {
          own[k] = (float) (lambda * own[k] + (1 - lambda) * partner[k]);
        }
        MemorySegment.copy(own, 0, memory, ValueLayout.JAVA_FLOAT, 0, own.length);
      }
    } else {
      mixBytes(batch, n, lambda);
    }
  }

  /**
   * The uint8 mix through a table of every {@code (own, partner)} pair's result for this lambda
   * (64 Ki entries, the same values {@link #mixByte} gives), with the calling thread's sample
   * buffers: a partner read for sample {@code i} is sample {@code i - 1}'s original, which becomes
   * the next sample's own bytes, so each sample is copied in once and out once.
   */
  private static void mixBytes(MixableBatch batch, int n, double lambda) {
    Scratch s = SCRATCH.get();
    int bytes = Math.toIntExact(batch.sampleMemory(0).byteSize());
    s.size(bytes);
    byte[] table = s.table(lambda);
    byte[] last = s.last;
    byte[] own = s.own;
    byte[] partner = s.partner;
    MemorySegment.copy(batch.sampleMemory(n - 1), ValueLayout.JAVA_BYTE, 0, last, 0, bytes);
    System.arraycopy(last, 0, own, 0, bytes);
    for (int i = n - 1; i >= 0; i--) {
      byte[] from = i == 0 ? last : partner;
      if (i > 0) {
        MemorySegment.copy(batch.sampleMemory(i - 1), ValueLayout.JAVA_BYTE, 0, partner, 0, bytes);
      }
      for (int k = 0; k < bytes; k++) {
        own[k] = table[(own[k] & 0xFF) << 8 | from[k] & 0xFF];
      }
      MemorySegment.copy(own, 0, batch.sampleMemory(i), ValueLayout.JAVA_BYTE, 0, bytes);
      byte[] swap = own;   // sample i - 1's original is the next sample's own
      own = partner;
      partner = swap;
    }
  }

  /** One thread's mixing buffers, reused from batch to batch. */
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private static final class Scratch {
    private final byte[] table = new byte[1 << 16];
    private double tableLambda = Double.NaN;
    private byte[] own = new byte[0];
    private byte[] partner = new byte[0];
    private byte[] last = new byte[0];

    /** Sizes the three sample buffers for samples of {@code bytes}. */
    void size(int bytes) {
      if (last.length != bytes) {
        own = new byte[bytes];
        partner = new byte[bytes];
        last = new byte[bytes];
      }
    }

    byte[] table(double lambda) {
      if (Double.compare(lambda, tableLambda) != 0) {
        for (int a = 0; a < 256; a++) {
          for (int b = 0; b < 256; b++) {
            table[a << 8 | b] = (byte) mixByte(lambda, a, b);
          }
        }
        tableLambda = lambda;
      }
      return table;
    }
  }

  /** {@code floor(lambda * a + (1 - lambda) * b + 0.5)}: the uint8 MixUp of two values. */
  static int mixByte(double lambda, int a, int b) {
    return (int) Math.floor(lambda * a + (1 - lambda) * b + 0.5);
  }

  /**
   * Pastes rows {@code [y0, y1)} and columns {@code [x0, x1)} of each sample's partner over the
   * same rectangle of the sample, whatever the element type (a byte copy per row).
   */
  static void pasteRectangle(MixableBatch batch, int x0, int y0, int x1, int y1) {
    int n = batch.size();
    if (n == 0 || x1 <= x0 || y1 <= y0) {
      return;
    }
    long pixelBytes = (long) batch.layout().channels() * batch.layout().elementType().bytes();
    long rowBytes = batch.layout().width() * pixelBytes;
    long runBytes = (x1 - x0) * pixelBytes;
    MemorySegment last = MemorySegment.ofArray(batch.sampleMemory(n - 1).toArray(ValueLayout.JAVA_BYTE));
    for (int i = n - 1; i >= 0; i--) {
      MemorySegment own = batch.sampleMemory(i);
      MemorySegment partner = i == 0 ? last : batch.sampleMemory(i - 1);
      for (int y = y0; y < y1; y++) {
        long offset = y * rowBytes + x0 * pixelBytes;
        MemorySegment.copy(partner, offset, own, offset, runBytes);
      }
    }
  }
}
