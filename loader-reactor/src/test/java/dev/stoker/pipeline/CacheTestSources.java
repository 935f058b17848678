package dev.stoker.pipeline;

import dev.stoker.api.SampleSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/** Sources for the cache tests: one that counts the reads of another, and one of plain byte arrays. */
final class CacheTestSources {
  private CacheTestSources() {}

  /** Counts the reads of a source, in all and per index; everything else is the source's. */
  static final class Counting implements SampleSource {
    private final SampleSource inner;
    final AtomicInteger reads = new AtomicInteger();
    final AtomicIntegerArray readsOf;

    Counting(SampleSource inner) {
      this.inner = inner;
      this.readsOf = new AtomicIntegerArray(inner.size());
    }

    @Override
    public String description() {
      return inner.description();
    }

    @Override
    public int size() {
      return inner.size();
    }

    @Override
    public String sourceName(int index) {
      return inner.sourceName(index);
    }

    @Override
    public int label(int index) {
      return inner.label(index);
    }

    @Override
    public List<String> classes() {
      return inner.classes();
    }

    @Override
    public ByteBuffer read(int index) throws IOException {
      count(index);
      return inner.read(index);
    }

    @Override
    public ByteBuffer read(int index, ByteBuffer reuse) throws IOException {
      count(index);
      return inner.read(index, reuse);
    }

    private void count(int index) {
      reads.incrementAndGet();
      readsOf.incrementAndGet(index);
    }

    @Override
    public boolean hasBoxes() {
      return inner.hasBoxes();
    }

    @Override
    public int maxBoxCount() {
      return inner.maxBoxCount();
    }

    @Override
    public int boxCount(int index) {
      return inner.boxCount(index);
    }

    @Override
    public int copyBoxes(int index, float[] boxes, int[] labels) {
      return inner.copyBoxes(index, boxes, labels);
    }

    @Override
    public List<String> warnings() {
      return inner.warnings();
    }
  }

  /**
   * {@code size} samples of {@code bytesEach} bytes; sample {@code i}'s bytes are all {@code i}.
   * Indices in {@code failOnce} throw on their first read only; a read waits on {@code gate} (if
   * set) before it returns, so a test can hold reads in flight.
   */
  static final class Bytes implements SampleSource {
    private final int size;
    private final int bytesEach;
    private final Set<Integer> failOnce = ConcurrentHashMap.newKeySet();
    volatile CountDownLatch gate;

    Bytes(int size, int bytesEach, Set<Integer> failOnce) {
      this.size = size;
      this.bytesEach = bytesEach;
      this.failOnce.addAll(failOnce);
    }

    static byte value(int index) {
      return (byte) index;
    }

    @Override
    public String description() {
      return "bytes (" + size + " samples)";
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public String sourceName(int index) {
      return "mem://" + index;
    }

    @Override
    public int label(int index) {
      return index % 2;
    }

    @Override
    public List<String> classes() {
      return List.of("even", "odd");
    }

    @Override
    public ByteBuffer read(int index) throws IOException {
      CountDownLatch g = gate;
      if (g != null) {
        try {
          if (!g.await(10, TimeUnit.SECONDS)) {
            throw new IOException(sourceName(index) + ": gate never opened");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException(sourceName(index) + ": interrupted", e);
        }
      }
      if (failOnce.remove(index)) {
        throw new IOException(sourceName(index) + ": cannot read: transient failure");
      }
      byte[] bytes = new byte[bytesEach];
      Arrays.fill(bytes, value(index));
      return ByteBuffer.wrap(bytes);
    }

    @Override
    public List<String> warnings() {
      return List.of("one warning");
    }
  }
}
