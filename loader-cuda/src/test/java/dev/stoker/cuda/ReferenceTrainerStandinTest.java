package dev.stoker.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;

import dev.stoker.api.BatchLayout;
import dev.stoker.api.BatchRing;
import dev.stoker.api.BatchSlot;
import dev.stoker.cuda.standin.CudaStandin;
import dev.stoker.cuda.standin.StandinCheck;
import dev.stoker.cuda.trainer.ReferenceTrainer;
import dev.stoker.cuda.trainer.TrainingReport;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The reference trainer on the GPU backend of a {@link DeviceFeed}, on the driver stand-in: its
 * kernels (host builds of {@code trainer.cu}) learn class colours from uint8 images that went
 * through the ring, the copy and the normalize kernel, as closely as the host backend does on the
 * same batches; with labels shuffled against the images it does not learn (the negative control).
 */
@Tag("standin")
@ExtendWith(StandinCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReferenceTrainerStandinTest {
  private static final int CLASSES = 6;
  private static final int PER_CLASS = 20;
  private static final int EPOCHS = 3;
  /**
   * 120 samples in batches of 16: seven full batches and one of 8 per epoch. Small, and a 2x2
   * pooling grid: the stand-in runs every GPU thread of the kernels on the CPU.
   */
  private static final BatchLayout LAYOUT = new BatchLayout(16, 8, 8, 3);
  private static final int GRID = 2;
  private static final int[][] COLOURS = {{220, 40, 40}, {40, 200, 60}, {50, 60, 230}, {230, 210, 40},
      {150, 40, 200}, {40, 200, 210}};

  /** Produces {@link #EPOCHS} epochs of noisy class colours; with {@code shuffleLabels} the labels are random. */
  private static CompletableFuture<Void> produce(BatchRing ring, boolean shuffleLabels, int epochs) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread.ofPlatform().daemon().name("trainer-producer").start(() -> {
      try {
        SplittableRandom random = new SplittableRandom(7);
        int samples = CLASSES * PER_CLASS;
        for (int epoch = 0; epoch < epochs; epoch++) {
          for (int start = 0, n = 0; start < samples; start += LAYOUT.batchSize(), n++) {
            BatchSlot slot;
            while ((slot = ring.tryClaim()) == null) {
              LockSupport.parkNanos(20_000);
            }
            int size = Math.min(LAYOUT.batchSize(), samples - start);
            for (int p = 0; p < size; p++) {
              int cls = random.nextInt(CLASSES);
              MemorySegment pixels = slot.sampleMemory(p);
              for (int i = 0; i < LAYOUT.height() * LAYOUT.width(); i++) {
                for (int c = 0; c < 3; c++) {
                  int value = COLOURS[cls][c] + random.nextInt(-40, 41);
                  pixels.set(ValueLayout.JAVA_BYTE, i * 3L + c, (byte) Math.clamp(value, 0, 255));
                }
              }
              slot.setSample(p, start + p, shuffleLabels ? random.nextInt(CLASSES) : cls);
            }
            slot.setHeader(epoch, n, size);
            ring.publish(slot);
          }
        }
        ring.complete();
        done.complete(null);
      } catch (Throwable e) {
        ring.fail(e);
        done.completeExceptionally(e);
      }
    });
    return done;
  }

  /** Trains a fresh reference trainer through {@code feed} and returns its report. */
  private static TrainingReport train(DeviceFeed feed, boolean shuffleLabels) throws Exception {
    try (BatchRing ring = feed.rings().create(LAYOUT, 4)) {
      CompletableFuture<Void> producer = produce(ring, shuffleLabels, EPOCHS);
      TrainingReport report = feed.call(() -> {
        try (ReferenceTrainer trainer = trainer()) {
          ring.drain(feed.consumer(trainer, trainer));
          return trainer.report();
        }
      });
      producer.get(10, TimeUnit.SECONDS);
      return report;
    }
  }

  private static ReferenceTrainer trainer() {
    return new ReferenceTrainer(CLASSES, 3, GRID, ReferenceTrainer.DEFAULT_LEARNING_RATE);
  }

  private static DeviceFeed cuda(int device) {
    DeviceFeed feed = DeviceFeed.open(DeviceTransform.imagenet(PixelType.FLOAT32), device);
    assertThat(feed.backend()).as(feed.cuda().reason()).isEqualTo("cuda");
    return feed;
  }

  @Test
  void train_onTheCudaBackend_learnsTheColoursAsTheHostBackendDoes() throws Exception {
    long before = CudaStandin.liveAllocations();
    TrainingReport gpu;
    try (DeviceFeed feed = cuda(0)) {
      gpu = train(feed, false);
    }
    TrainingReport host;
    try (DeviceFeed feed = DeviceFeed.openOnHost(DeviceTransform.imagenet(PixelType.FLOAT32))) {
      host = train(feed, false);
    }

    assertThat(gpu.steps()).isEqualTo(EPOCHS * 8);
    assertThat(gpu.epochs()).isEqualTo(EPOCHS);
    assertThat(gpu.lossEnd()).isLessThan(gpu.lossStart() / 2);
    assertThat(gpu.accuracy()).isGreaterThan(0.9);
    assertThat(gpu.learned(0.1)).isTrue();
    // the same batches on the host: the same model up to summation order
    assertThat(gpu.lossStart()).isCloseTo(host.lossStart(), within(1e-3));
    assertThat(gpu.lossEnd()).isCloseTo(host.lossEnd(), within(0.05));
    assertThat(gpu.accuracy()).isCloseTo(host.accuracy(), within(0.05));
    assertThat(CudaStandin.liveAllocations()).isEqualTo(before);
  }

  @Test
  void train_onTheCudaBackendLabelsShuffled_doesNotLearn() throws Exception {
    TrainingReport gpu;
    try (DeviceFeed feed = cuda(0)) {
      gpu = train(feed, true);
    }

    assertThat(gpu.steps()).isEqualTo(EPOCHS * 8);
    assertThat(gpu.learned(0.1)).isFalse();
    assertThat(gpu.accuracy()).isLessThan(gpu.chance() + 0.1);
  }

  @Test
  void close_afterAStickyError_throwsTheFirstFailureWithTheCleanupsSuppressed() {
    Throwable[] closing = new Throwable[1];
    Throwable feedClosing = catchThrowable(() -> {
      try (DeviceFeed feed = cuda(1); BatchRing ring = feed.rings().create(LAYOUT, 4)) {
        produce(ring, false, 1);
        feed.call(() -> {
          ReferenceTrainer trainer = trainer();
          ring.drain(feed.consumer(trainer, trainer));
          CudaStandin.injectStickyError(700);   // a kernel fault after the last step was enqueued
          closing[0] = catchThrowable(trainer::close);
          return null;
        });
      }
    });

    assertThat(closing[0]).as("what the trainer's close threw").isNotNull()
        .hasMessageContaining("reference trainer stats").hasMessageContaining("CUDA_ERROR_ILLEGAL_ADDRESS");
    assertThat(closing[0].getSuppressed()).isNotEmpty()
        .allSatisfy(s -> assertThat(s).hasMessageContaining("CUDA_ERROR_ILLEGAL_ADDRESS"));
    // the feed's own cleanup hits the same sticky error and says so
    assertThat(feedClosing).hasMessageContaining("CUDA_ERROR_ILLEGAL_ADDRESS");
  }
}
