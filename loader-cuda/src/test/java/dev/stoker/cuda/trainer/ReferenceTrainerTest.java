package dev.stoker.cuda.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.stoker.cuda.DeviceBatch;
import dev.stoker.cuda.HostBatch;
import dev.stoker.cuda.PixelType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;
import org.junit.jupiter.api.Test;

/**
 * The reference trainer's host path on synthetic normalized batches: 6 classes, each a distinct
 * mean colour plus fresh per-pixel noise every epoch (so nothing can be memorized). Nothing here
 * calls CUDA: device batches are only used where they must be rejected before any CUDA call.
 */
class ReferenceTrainerTest {
  private static final int CLASSES = 6;
  private static final int SIZE = 12;
  private static final int BATCH = 32;
  private static final int PER_CLASS = 60;
  /** Mean colours in normalized units, per class. */
  private static final float[][] COLOURS = {{1.5f, -1, -1}, {-1, 1.2f, -0.8f}, {-1, -0.6f, 1.6f},
      {1.6f, 1.3f, -1.2f}, {0.4f, -1.1f, 1.0f}, {-1.3f, 1.1f, 1.4f}};

  /** Runs {@code epochs} epochs; with {@code shuffleLabels} the labels are drawn independently of the images. */
  private static TrainingReport run(ReferenceTrainer trainer, int epochs, boolean shuffleLabels) {
    int samples = CLASSES * PER_CLASS;
    int plane = 3 * SIZE * SIZE;
    SplittableRandom random = new SplittableRandom(42);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment pixels = arena.allocate((long) BATCH * plane * Float.BYTES);
      for (int epoch = 0; epoch < epochs; epoch++) {
        int[] order = permutation(samples, random);
        for (int start = 0, index = 0; start < samples; start += BATCH, index++) {
          int n = Math.min(BATCH, samples - start);
          int[] labels = new int[n];
          for (int b = 0; b < n; b++) {
            int cls = order[start + b] % CLASSES;
            labels[b] = shuffleLabels ? random.nextInt(CLASSES) : cls;
            for (int ch = 0; ch < 3; ch++) {
              for (int p = 0; p < SIZE * SIZE; p++) {
                float value = COLOURS[cls][ch] + (float) random.nextGaussian() * 0.8f;
                pixels.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, (long) b * plane + ch * SIZE * SIZE + p, value);
              }
            }
          }
          trainer.train(hostBatch(pixels, n, labels, epoch, index));
        }
      }
    }
    return trainer.report();
  }

  private static HostBatch hostBatch(MemorySegment pixels, int n, int[] labels, int epoch, long index) {
    return new HostBatch(pixels, PixelType.FLOAT32, n, 3, SIZE, SIZE, labels, MemorySegment.NULL, MemorySegment.NULL,
        0, epoch, index);
  }

  private static DeviceBatch deviceBatch(PixelType type, int[] labels) {
    return new DeviceBatch(new CUdeviceptr(), type, labels.length, 3, SIZE, SIZE, new CUdeviceptr(), labels, null, null, 0,
        new CUstream(), 0, 0);
  }

  private static int[] permutation(int count, SplittableRandom random) {
    int[] order = new int[count];
    for (int i = 0; i < count; i++) {
      order[i] = i;
    }
    for (int i = count - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return order;
  }

  @Test
  void trainHost_separableColours_lossHalvesAndAccuracyAboveNinetyPercent() {
    TrainingReport report = run(new ReferenceTrainer(CLASSES, 3, ReferenceTrainer.DEFAULT_LEARNING_RATE), 3, false);

    assertThat(report.steps()).isEqualTo(3 * 12);
    assertThat(report.epochs()).isEqualTo(3);
    assertThat(report.lossEnd()).isLessThan(report.lossStart() / 2);
    assertThat(report.accuracy()).isGreaterThan(0.9);
    assertThat(report.chance()).isEqualTo(1.0 / CLASSES);
    assertThat(report.learned(0.1)).isTrue();
  }

  @Test
  void trainHost_labelsUncorrelatedWithImages_accuracyStaysNearChance() {
    TrainingReport report = run(new ReferenceTrainer(CLASSES, 3, ReferenceTrainer.DEFAULT_LEARNING_RATE), 3, true);

    assertThat(report.accuracy()).isLessThan(report.chance() + 0.1);
    assertThat(report.lossEnd()).isGreaterThan(report.lossStart() / 2);
    assertThat(report.learned(0.1)).isFalse();
  }

  @Test
  void trainHost_sameBatchesTwice_sameWeights() {
    ReferenceTrainer first = new ReferenceTrainer(CLASSES, 3, 0.5f);
    ReferenceTrainer second = new ReferenceTrainer(CLASSES, 3, 0.5f);
    run(first, 1, false);
    run(second, 1, false);

    assertThat(first.weights()).containsExactly(second.weights());
    assertThat(first.weights()).hasSize(CLASSES * (3 * 16 + 1)).isNotEqualTo(new float[CLASSES * 49]);
  }

  @Test
  void new_trainer_hasZeroWeightsAndAnEmptyReport() {
    ReferenceTrainer trainer = new ReferenceTrainer(CLASSES, 3, 2, 0.1f);

    assertThat(trainer.features()).isEqualTo(12);
    assertThat(trainer.weights()).hasSize(CLASSES * 13).containsOnly(0f);
    TrainingReport report = trainer.report();
    assertThat(report.steps()).isZero();
    assertThat(report.lossStart()).isNaN();
    assertThat(report.accuracy()).isNaN();
  }

  @Test
  void trainHost_firstStep_lossIsLogClasses() {
    ReferenceTrainer trainer = new ReferenceTrainer(CLASSES, 3, 1f);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment pixels = arena.allocate(2L * 3 * SIZE * SIZE * Float.BYTES);
      trainer.train(hostBatch(pixels, 2, new int[] {4, 1}, 0, 0));
    }
    TrainingReport report = trainer.report();

    assertThat(report.lossStart()).isCloseTo(Math.log(CLASSES), within(1e-6));
    assertThat(report.accuracy()).isZero();
    assertThat(report.chance()).isEqualTo(0.5);
  }

  @Test
  void trainHost_float16Pixels_throwsNamingPixelType() {
    ReferenceTrainer trainer = new ReferenceTrainer(CLASSES, 3, 1f);
    HostBatch batch = new HostBatch(MemorySegment.NULL, PixelType.FLOAT16, 1, 3, SIZE, SIZE, new int[] {0},
        MemorySegment.NULL, MemorySegment.NULL, 0, 0, 0);

    assertThatThrownBy(() -> trainer.train(batch)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("batch.pixelType:").hasMessageContaining("FLOAT32");
  }

  @Test
  void trainHost_wrongChannels_throwsNamingChannels() {
    ReferenceTrainer trainer = new ReferenceTrainer(CLASSES, 1, 1f);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment pixels = arena.allocate(3L * SIZE * SIZE * Float.BYTES);
      assertThatThrownBy(() -> trainer.train(hostBatch(pixels, 1, new int[] {0}, 0, 0)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("batch.channels:");
    }
  }

  @Test
  void trainDevice_float16Pixels_throwsBeforeAnyCudaCall() {
    ReferenceTrainer trainer = new ReferenceTrainer(CLASSES, 3, 1f);

    assertThatThrownBy(() -> trainer.train(deviceBatch(PixelType.FLOAT16, new int[] {0, 1})))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("batch.pixelType:");
  }

  @Test
  void trainDevice_labelOutOfRange_throwsBeforeAnyCudaCall() {
    ReferenceTrainer trainer = new ReferenceTrainer(CLASSES, 3, 1f);

    assertThatThrownBy(() -> trainer.train(deviceBatch(PixelType.FLOAT32, new int[] {0, CLASSES})))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sample 1 has label 6");
  }

  @Test
  void trainDevice_afterHostSteps_throwsIllegalState() {
    ReferenceTrainer trainer = new ReferenceTrainer(CLASSES, 3, 1f);
    run(trainer, 1, false);

    assertThatThrownBy(() -> trainer.train(deviceBatch(PixelType.FLOAT32, new int[] {0})))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("host");
  }

  @Test
  void trainHost_afterClose_throwsIllegalState() {
    ReferenceTrainer trainer = new ReferenceTrainer(CLASSES, 3, 1f);
    trainer.close();

    assertThatThrownBy(() -> run(trainer, 1, false)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void new_invalidArguments_throwNamingTheParameter() {
    assertThatThrownBy(() -> new ReferenceTrainer(0, 3, 1f)).hasMessageContaining("classes");
    assertThatThrownBy(() -> new ReferenceTrainer(ReferenceTrainer.MAX_CLASSES + 1, 3, 1f))
        .hasMessageContaining("classes");
    assertThatThrownBy(() -> new ReferenceTrainer(6, 0, 1f)).hasMessageContaining("channels");
    assertThatThrownBy(() -> new ReferenceTrainer(6, 3, Float.NaN)).hasMessageContaining("learningRate");
    assertThatThrownBy(() -> new ReferenceTrainer(6, 3, 0f)).hasMessageContaining("learningRate");
    assertThatThrownBy(() -> new ReferenceTrainer(6, 3, 100, 1f)).hasMessageStartingWith("grid:");
  }
}
