package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.CacheStats;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The encoded-bytes cache on its own: hits, the byte budget, failures, concurrent misses, reuse. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CachingSourceTest {
  private static void assertBytes(ByteBuffer bytes, int index, int length) {
    assertThat(bytes.remaining()).as("length of %d", index).isEqualTo(length);
    for (int i = bytes.position(); i < bytes.limit(); i++) {
      assertThat(bytes.get(i)).as("byte %d of sample %d", i, index).isEqualTo(CacheTestSources.Bytes.value(index));
    }
  }

  @Test
  void read_secondTime_isServedFromTheCacheWithoutReadingTheSource() throws IOException {
    CacheTestSources.Counting inner = new CacheTestSources.Counting(new CacheTestSources.Bytes(5, 40, Set.of()));
    CachingSource cached = SampleCaches.encoded(inner, 1 << 20);

    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 5; i++) {
        assertBytes(cached.read(i), i, 40);
      }
    }

    assertThat(inner.reads.get()).isEqualTo(5);
    assertThat(cached.cacheStats()).isEqualTo(new CacheStats(5, 5, 0, 200, 1 << 20));
    assertThat(cached.cacheStats().hitRate()).isEqualTo(0.5);
  }

  @Test
  void read_budgetSmallerThanTheDataset_weightNeverExceedsTheBudgetAndEntriesAreEvicted() throws IOException {
    int size = 30;
    long budget = 550;
    CachingSource cached = SampleCaches.encoded(new CacheTestSources.Bytes(size, 100, Set.of()), budget);

    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < size; i++) {
        assertBytes(cached.read(i), i, 100);
        assertThat(cached.cacheStats().weightBytes()).as("weight after reading %d", i).isLessThanOrEqualTo(budget);
      }
    }

    CacheStats stats = cached.cacheStats();
    assertThat(stats.evictions()).isPositive();
    assertThat(stats.weightBytes()).isPositive();
    assertThat(stats.requests()).isEqualTo(3L * size);
    assertThat(stats.maxBytes()).isEqualTo(budget);
  }

  @Test
  void read_failsOnceThenSucceeds_theFailureIsNotCachedAndItsIoExceptionNamesTheSample() throws IOException {
    CacheTestSources.Counting inner = new CacheTestSources.Counting(new CacheTestSources.Bytes(4, 10, Set.of(2)));
    CachingSource cached = SampleCaches.encoded(inner, 1 << 20);

    assertThatThrownBy(() -> cached.read(2))
        .isExactlyInstanceOf(IOException.class)
        .hasMessage("mem://2: cannot read: transient failure");
    assertBytes(cached.read(2), 2, 10);
    assertBytes(cached.read(2), 2, 10);

    assertThat(inner.readsOf.get(2)).isEqualTo(2);
    assertThat(cached.cacheStats().hits()).isEqualTo(1);
    assertThat(cached.cacheStats().weightBytes()).isEqualTo(10);
  }

  @Test
  void read_concurrentMissesOfOneSample_readTheSourceOnce() throws Exception {
    CacheTestSources.Bytes bytes = new CacheTestSources.Bytes(8, 64, Set.of());
    CountDownLatch gate = new CountDownLatch(1);
    bytes.gate = gate;
    CacheTestSources.Counting inner = new CacheTestSources.Counting(bytes);
    CachingSource cached = SampleCaches.encoded(inner, 1 << 20);
    int threads = 4;
    List<Thread> readers = new ArrayList<>();
    List<ByteBuffer> results = Collections.synchronizedList(new ArrayList<>());
    AtomicReference<Throwable> error = new AtomicReference<>();
    for (int t = 0; t < threads; t++) {
      Thread reader = new Thread(() -> {
        try {
          results.add(cached.read(3, ByteBuffer.allocateDirect(128)));
        } catch (Throwable e) {
          error.set(e);
        }
      });
      readers.add(reader);
      reader.start();
    }

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!readers.stream().allMatch(CachingSourceTest::parked)) {
      assertThat(System.nanoTime()).as("all readers waiting").isLessThan(deadline);
      Thread.sleep(5);
    }
    assertThat(inner.reads.get()).as("reads while the first is held").isEqualTo(1);
    gate.countDown();
    for (Thread reader : readers) {
      reader.join(10_000);
    }

    assertThat(error.get()).isNull();
    assertThat(results).hasSize(threads);
    results.forEach(b -> assertBytes(b, 3, 64));
    assertThat(inner.reads.get()).isEqualTo(1);
    assertThat(cached.cacheStats().requests()).isEqualTo(threads);
  }

  private static boolean parked(Thread t) {
    Thread.State s = t.getState();
    return s == Thread.State.BLOCKED || s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
  }

  @Test
  void read_hitWithALargeEnoughReuse_copiesIntoReuse() throws IOException {
    CachingSource cached = SampleCaches.encoded(new CacheTestSources.Bytes(2, 50, Set.of()), 1 << 20);
    cached.read(1);
    ByteBuffer reuse = ByteBuffer.allocateDirect(64);
    reuse.position(7);

    ByteBuffer got = cached.read(1, reuse);

    assertThat(got).isSameAs(reuse);
    assertThat(got.position()).isZero();
    assertBytes(got, 1, 50);
    got.put(0, (byte) 99);
    assertBytes(cached.read(1), 1, 50);
  }

  @Test
  void read_hitWithASmallOrReadOnlyReuse_returnsAReadOnlyViewOfTheEntry() throws IOException {
    CachingSource cached = SampleCaches.encoded(new CacheTestSources.Bytes(2, 50, Set.of()), 1 << 20);
    cached.read(0);
    ByteBuffer small = ByteBuffer.allocate(10);

    ByteBuffer view = cached.read(0, small);
    ByteBuffer again = cached.read(0, view);

    assertThat(view).isNotSameAs(small);
    assertThat(view.isReadOnly()).isTrue();
    assertBytes(view, 0, 50);
    assertThat(again).isNotSameAs(view);
    assertThat(again.isReadOnly()).isTrue();
    assertBytes(again, 0, 50);
    view.position(20);
    assertBytes(cached.read(0), 0, 50);
  }

  @Test
  void read_missWithReuse_returnsTheSourcesBufferAndCachesACopy() throws IOException {
    CachingSource cached = SampleCaches.encoded(new CacheTestSources.Bytes(2, 50, Set.of()), 1 << 20);

    ByteBuffer first = cached.read(1, null);
    first.put(0, (byte) 99);

    assertThat(first.isReadOnly()).isFalse();
    assertBytes(cached.read(1), 1, 50);
  }

  @Test
  void delegates_everythingButRead_toTheWrappedSource() {
    CacheTestSources.Bytes inner = new CacheTestSources.Bytes(3, 5, Set.of());
    CachingSource cached = SampleCaches.encoded(inner, 3L << 20);

    assertThat(cached.size()).isEqualTo(3);
    assertThat(cached.sourceName(2)).isEqualTo("mem://2");
    assertThat(cached.label(1)).isEqualTo(1);
    assertThat(cached.classes()).containsExactly("even", "odd");
    assertThat(cached.warnings()).containsExactly("one warning");
    assertThat(cached.hasBoxes()).isFalse();
    assertThat(cached.maxBoxCount()).isZero();
    assertThat(cached.inner()).isSameAs(inner);
    assertThat(cached.maxBytes()).isEqualTo(3L << 20);
    assertThat(cached.description()).startsWith(inner.description()).contains("cached").contains("encoded")
        .contains("3.0 MiB");
    assertThat(cached.cacheStats()).isEqualTo(new CacheStats(0, 0, 0, 0, 3L << 20));
    assertThat(cached.cacheStats().hitRate()).isZero();
  }

  @Test
  void factories_badArguments_failNamingTheParameter() {
    CacheTestSources.Bytes inner = new CacheTestSources.Bytes(3, 5, Set.of());

    assertThatThrownBy(() -> SampleCaches.encoded(inner, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBytes");
    assertThatThrownBy(() -> SampleCaches.encoded(null, 10)).hasMessageContaining("source");
    assertThatThrownBy(() -> SampleCaches.decoded(inner, -1, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBytes");
    assertThatThrownBy(() -> SampleCaches.decoded(inner, 10, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shorterSide");
    assertThatThrownBy(() -> SampleCaches.decoded(inner, 10, 5, null)).hasMessageContaining("decoder");
  }

  @Test
  void decoded_budgetBelowOneShrunkImage_refusedNamingMaxBytes() {
    CacheTestSources.Bytes inner = new CacheTestSources.Bytes(3, 5, Set.of());

    assertThatThrownBy(() -> SampleCaches.decoded(inner, 3 * 30 * 30 - 1, 30))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("maxBytes: 2699 bytes cannot hold one");
    assertThat(SampleCaches.decoded(inner, 3 * 30 * 30, 30).maxBytes()).isEqualTo(2700);
  }
}
