package dev.stoker.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.BatchLayout;
import dev.stoker.api.BatchRing;
import dev.stoker.api.BatchSlot;
import dev.stoker.api.ElementType;
import dev.stoker.api.RingStats;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The feed's host backend: the path every machine without a GPU takes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeviceFeedHostTest {
  private static final BatchLayout LAYOUT = new BatchLayout(3, 2, 4, 3).withMaxBoxes(2);
  private static final DeviceTransform TRANSFORM = new DeviceTransform(new float[] {0.5f, 0.25f, 0f},
      new float[] {0.5f, 0.25f, 1f}, PixelType.FLOAT32, true, 7);

  /** Publishes {@code batches} batches whose pixel (y, x, c) of sample p in batch n is n + p + 10x + c. */
  private static CompletableFuture<Void> produce(BatchRing ring, int batches) {
    return CompletableFuture.runAsync(() -> {
      for (int n = 0; n < batches; n++) {
        BatchSlot slot;
        while ((slot = ring.tryClaim()) == null) {
          Thread.onSpinWait();
        }
        for (int p = 0; p < LAYOUT.batchSize(); p++) {
          for (int y = 0; y < LAYOUT.height(); y++) {
            for (int x = 0; x < LAYOUT.width(); x++) {
              for (int c = 0; c < 3; c++) {
                slot.sampleMemory(p).set(ValueLayout.JAVA_BYTE, (y * LAYOUT.width() + x) * 3L + c,
                    (byte) (n + p + 10 * x + c));
              }
            }
          }
          slot.setSample(p, n * 3 + p, (n + p) % 5);
          slot.setBoxes(p, new float[] {0, 0, 1, 2}, new int[] {4}, 1);
        }
        slot.setHeader(0, n, n == batches - 1 ? 2 : 3);
        ring.publish(slot);
      }
      ring.complete();
    });
  }

  @Test
  void consumer_onHost_handsNormalizedChwBatchesWithLabelsFlipsAndBoxesToTheHostStep() throws Exception {
    List<float[]> expectedFirstRows = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    try (DeviceFeed feed = DeviceFeed.openOnHost(TRANSFORM);
        BatchRing ring = feed.rings().create(LAYOUT, 2)) {
      assertThat(feed.backend()).isEqualTo("host");
      assertThat(ring.memoryKind()).isEqualTo("direct");
      CompletableFuture<Void> producer = produce(ring, 5);
      RingStats stats = feed.call(() -> ring.drain(feed.consumer(
          gpu -> {
            throw new AssertionError("no GPU step on the host");
          },
          batch -> {
            assertThat(batch.shape()).containsExactly(batch.size(), 3, 2, 4);
            int n = (int) batch.indexInEpoch();
            for (int p = 0; p < batch.size(); p++) {
              assertThat(batch.labels()[p]).isEqualTo((n + p) % 5);
              boolean flip = TRANSFORM.flips(0, n * 3 + p);
              // channel 1, row 0, column 0 of sample p: raw value n + p + 10 * x + 1 with x mirrored by the flip
              int x = flip ? 3 : 0;
              float raw = n + p + 10 * x + 1;
              long index = ((long) p * 3 + 1) * 2 * 4;
              assertThat(batch.pixels().getAtIndex(ValueLayout.JAVA_FLOAT, index))
                  .isCloseTo((raw / 255f - 0.25f) / 0.25f, org.assertj.core.data.Offset.offset(1e-5f));
              float x0 = batch.boxes().getAtIndex(ValueLayout.JAVA_FLOAT, (long) p * 2 * 4);
              assertThat(x0).isEqualTo(flip ? 3f : 0f);
              assertThat(batch.boxLabels().getAtIndex(ValueLayout.JAVA_INT, (long) p * 2 + 1)).isEqualTo(-1);
              seen.add(n + "/" + p + (flip ? "f" : ""));
            }
          })));
      producer.get(10, TimeUnit.SECONDS);

      assertThat(stats.batches()).isEqualTo(5);
      assertThat(stats.samples()).isEqualTo(14);
      assertThat(feed.stats().batches()).isEqualTo(5);
      assertThat(seen).hasSize(14);
      assertThat(seen).anyMatch(s -> s.endsWith("f")).anyMatch(s -> !s.endsWith("f"));
    }
  }

  @Test
  void consumer_calledOutsideTheFeedThread_failsWithAMessageSayingHowToRunIt() throws Exception {
    try (DeviceFeed feed = DeviceFeed.openOnHost(TRANSFORM);
        BatchRing ring = feed.rings().create(LAYOUT, 2)) {
      produce(ring, 1);
      assertThatThrownBy(() -> ring.drain(feed.consumer(b -> { }, b -> { })))
          .hasMessageContaining("feed.call");
    }
  }

  @Test
  void rings_float32Layout_isRefusedNamingTheLayout() {
    try (DeviceFeed feed = DeviceFeed.openOnHost(TRANSFORM)) {
      assertThatThrownBy(() -> feed.rings().create(LAYOUT.withElementType(ElementType.FLOAT32), 2))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layout").hasMessageContaining("uint8");
    }
  }

  @Test
  void rings_secondRingWhileTheFirstIsOpen_isRefused() {
    try (DeviceFeed feed = DeviceFeed.openOnHost(TRANSFORM);
        BatchRing first = feed.rings().create(LAYOUT, 2)) {
      assertThatThrownBy(() -> feed.rings().create(LAYOUT, 2)).isInstanceOf(IllegalStateException.class);
      first.close();
      try (BatchRing second = feed.rings().create(LAYOUT, 2)) {
        assertThat(second.slots()).isEqualTo(2);
      }
    }
  }

  @Test
  void call_runsOnOnePlatformThreadThatIsNotTheCaller() {
    try (DeviceFeed feed = DeviceFeed.openOnHost(TRANSFORM)) {
      Thread first = feed.call(Thread::currentThread);
      Thread second = feed.call(Thread::currentThread);

      assertThat(first).isSameAs(second).isNotSameAs(Thread.currentThread());
      assertThat(first.isVirtual()).isFalse();
    }
  }

  @Test
  void close_ringStillOpen_freesItWithoutDeadlockAndTheRingsCloseIsANoOp() {
    DeviceFeed feed = DeviceFeed.openOnHost(TRANSFORM);
    BatchRing ring = feed.rings().create(LAYOUT, 2);

    CompletableFuture<Void> closing = CompletableFuture.runAsync(feed::close);

    assertThat(closing).succeedsWithin(java.time.Duration.ofSeconds(10));
    ring.close();
    assertThatThrownBy(() -> feed.rings().create(LAYOUT, 2)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void open_negativeDevice_isRefusedNamingTheParameter() {
    assertThatThrownBy(() -> DeviceFeed.open(TRANSFORM, -1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("device");
  }

  @Test
  void openOnHost_hasNoDevice() {
    try (DeviceFeed feed = DeviceFeed.openOnHost(TRANSFORM)) {
      assertThat(feed.device()).isEqualTo(-1);
      assertThat(feed.call(() -> Thread.currentThread().getName())).isEqualTo("stoker-consumer");
    }
  }
}
