package dev.stoker.cuda;

import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.BatchLayout;
import dev.stoker.api.BatchRing;
import dev.stoker.api.BatchSlot;
import dev.stoker.cuda.internal.Cuda;
import dev.stoker.cuda.standin.StandinCheck;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jcuda.Pointer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The feed carries a layout's soft targets next to the labels: to the device on the CUDA path (the
 * driver stand-in), into the {@link HostBatch} on the host path. The layout has boxes too, so the
 * soft targets sit after the box labels in the slot.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeviceFeedSoftTargetsTest {
  private static final int CLASSES = 5;
  private static final BatchLayout LAYOUT = new BatchLayout(3, 4, 4, 3).withMaxBoxes(1).withSoftTargets(CLASSES);
  /** Without boxes: the feed must still copy past the pixels to reach the soft targets. */
  private static final BatchLayout NO_BOXES = new BatchLayout(3, 4, 4, 3).withSoftTargets(CLASSES);
  private static final DeviceTransform TRANSFORM = new DeviceTransform(new float[] {0.5f, 0.5f, 0.5f},
      new float[] {0.25f, 0.25f, 0.25f}, PixelType.FLOAT32, true, 3);

  /** The soft target of class {@code c} for sample {@code p} of batch {@code n}. */
  private static float target(int n, int p, int c) {
    return (n * 31 + p * 7 + c) / 100f;
  }

  /** Publishes 3 batches, the last of 2 samples, with soft targets {@link #target}; on the calling thread. */
  private static void produce(BatchRing ring) {
    for (int n = 0; n < 3; n++) {
      BatchSlot slot = ring.tryClaim();
      int size = n == 2 ? 2 : 3;
      for (int p = 0; p < size; p++) {
        slot.sampleMemory(p).fill((byte) (n + p));
        slot.setSample(p, n * 3 + p, p);
        if (ring.layout().hasBoxes()) {
          slot.setBoxes(p, new float[] {0, 0, 1, 1}, new int[] {p}, 1);
        }
        for (int c = 0; c < CLASSES; c++) {
          slot.softTargetMemory(p).setAtIndex(ValueLayout.JAVA_FLOAT, c, target(n, p, c));
        }
      }
      slot.setHeader(0, n, size);
      ring.publish(slot);
    }
    ring.complete();
  }

  private static List<String> mismatches(int n, int size, float[] got) {
    List<String> bad = new ArrayList<>();
    for (int p = 0; p < size; p++) {
      for (int c = 0; c < CLASSES; c++) {
        if (got[p * CLASSES + c] != target(n, p, c)) {
          bad.add("batch " + n + " sample " + p + " class " + c + ": " + got[p * CLASSES + c]);
        }
      }
    }
    return bad;
  }

  @Test
  @Tag("standin")
  @ExtendWith(StandinCheck.class)
  void consumer_onTheStandinDevice_copiesTheSoftTargetsToTheDevice() throws Exception {
    onTheStandinDevice(LAYOUT);
  }

  @Test
  @Tag("standin")
  @ExtendWith(StandinCheck.class)
  void consumer_onTheStandinDeviceWithoutBoxes_copiesTheSoftTargetsToTheDevice() throws Exception {
    onTheStandinDevice(NO_BOXES);
  }

  private static void onTheStandinDevice(BatchLayout layout) throws Exception {
    List<String> bad = new ArrayList<>();
    List<Integer> classes = new ArrayList<>();
    try (DeviceFeed feed = DeviceFeed.open(TRANSFORM, 0); BatchRing ring = feed.rings().create(layout, 4)) {
      assertThat(feed.backend()).as("the stand-in's device 0: %s", feed.cuda().reason()).isEqualTo("cuda");
      produce(ring);
      feed.call(() -> ring.drain(feed.consumer(gpu -> {
        classes.add(gpu.softTargetClasses());
        float[] got = new float[gpu.size() * CLASSES];
        Cuda.check(() -> cuStreamSynchronize(gpu.stream()), "cuStreamSynchronize");
        Cuda.check(() -> cuMemcpyDtoH(Pointer.to(got), gpu.softTargets(), (long) got.length * Float.BYTES),
            "cuMemcpyDtoH(soft targets)");
        bad.addAll(mismatches((int) gpu.indexInEpoch(), gpu.size(), got));
      }, host -> {
        throw new AssertionError("a GPU feed called the host step");
      })));
    }
    assertThat(classes).containsExactly(CLASSES, CLASSES, CLASSES);
    assertThat(bad).isEmpty();
  }

  @Test
  void consumer_onHost_handsTheSoftTargetsToTheHostStep() throws Exception {
    List<String> bad = new ArrayList<>();
    List<Long> bytes = new ArrayList<>();
    try (DeviceFeed feed = DeviceFeed.openOnHost(TRANSFORM); BatchRing ring = feed.rings().create(LAYOUT, 4)) {
      produce(ring);
      feed.call(() -> ring.drain(feed.consumer(gpu -> {
        throw new AssertionError("no GPU step on the host");
      }, host -> {
        bytes.add(host.softTargets().byteSize());
        assertThat(host.softTargetClasses()).isEqualTo(CLASSES);
        bad.addAll(mismatches((int) host.indexInEpoch(), host.size(), host.softTargets().toArray(ValueLayout.JAVA_FLOAT)));
      })));
    }
    assertThat(bytes).containsExactly(60L, 60L, 40L);
    assertThat(bad).isEmpty();
  }

  @Test
  void hostBatch_withoutSoftTargets_oldConstructorGivesAnEmptySegment() {
    HostBatch batch = new HostBatch(java.lang.foreign.MemorySegment.NULL, PixelType.FLOAT32, 0, 3, 1, 1, new int[0],
        java.lang.foreign.MemorySegment.NULL, java.lang.foreign.MemorySegment.NULL, 0, 0, 0);
    assertThat(batch.softTargets().byteSize()).isZero();
    assertThat(batch.softTargetClasses()).isZero();
  }
}
