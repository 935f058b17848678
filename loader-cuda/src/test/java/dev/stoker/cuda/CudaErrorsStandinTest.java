package dev.stoker.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.stoker.api.BatchRing;
import dev.stoker.api.LoaderException;
import dev.stoker.cuda.standin.CudaStandin;
import dev.stoker.cuda.standin.StandinCheck;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import jcuda.driver.JCudaDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Stoker inside a user's JCuda program, on the stand-in: with JCuda's exceptions on (the usual
 * idiom), and after a sticky error (a kernel fault), whose real cause must reach the caller.
 */
@Tag("standin")
@ExtendWith(StandinCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CudaErrorsStandinTest {
  /** {@code CUDA_ERROR_ILLEGAL_ADDRESS}: what every call returns after a kernel's bad memory access. */
  private static final int ILLEGAL_ADDRESS = 700;

  @AfterEach
  void exceptionsOff() {
    JCudaDriver.setExceptionsEnabled(false);
  }

  @Test
  void roundTrip_withJCudaExceptionsOn_isExactAndLeavesTheSettingOn() throws Exception {
    JCudaDriver.setExceptionsEnabled(true);
    StandinRoundTrip.Outcome outcome;
    try (DeviceFeed feed = DeviceFeed.open(StandinRoundTrip.transform(PixelType.FLOAT32), 0)) {
      assertThat(feed.backend()).as(feed.cuda().reason()).isEqualTo("cuda");
      // A step that returns at once: the ring asks for the copy's event while the copy is still
      // queued (CUDA_ERROR_NOT_READY, which JCuda throws with its exceptions on).
      try (BatchRing ring = feed.rings().create(StandinRoundTrip.LAYOUT, 2)) {
        StandinRoundTrip.produce(ring, 400, new AtomicBoolean());
        assertThat(feed.call(() -> ring.drain(feed.consumer(batch -> { }, host -> { }))).batches()).isEqualTo(100);
      }
      outcome = StandinRoundTrip.run(feed, 50, 2);
    }

    assertThat(outcome.batches()).isEqualTo(13);
    assertThat(outcome.bad()).isZero();
    assertThat(CudaStatusStandinTest.exceptionsEnabled()).isTrue();
  }

  @Test
  void drain_stepFaultsWithAStickyError_theRunFailsWithTheStepsErrorAndTheCleanupsEchoesSuppressed() {
    IllegalStateException fault = new IllegalStateException("the trainer's kernel faulted");
    AtomicBoolean stop = new AtomicBoolean();

    Throwable thrown = catchThrowable(() -> {
      try (DeviceFeed feed = DeviceFeed.open(StandinRoundTrip.transform(PixelType.FLOAT32), 1);
          BatchRing ring = feed.rings().create(StandinRoundTrip.LAYOUT, 4)) {
        StandinRoundTrip.produce(ring, 50, stop);
        feed.call(() -> ring.drain(feed.consumer(batch -> {
          if (batch.indexInEpoch() == 3) {
            CudaStandin.injectStickyError(ILLEGAL_ADDRESS);   // what the trainer's faulting kernel did
            throw fault;
          }
        }, host -> { })));
      }
    });
    stop.set(true);

    assertThat(thrown).isInstanceOf(LoaderException.class).hasCause(fault);
    assertThat(Arrays.stream(allSuppressed(thrown)).map(String::valueOf))
        .as("the cleanup's failures ride along").isNotEmpty()
        .allMatch(text -> text.contains("CUDA_ERROR_ILLEGAL_ADDRESS"));
  }

  private static Throwable[] allSuppressed(Throwable thrown) {
    return java.util.stream.Stream.concat(Arrays.stream(thrown.getSuppressed()),
        Arrays.stream(thrown.getCause().getSuppressed())).toArray(Throwable[]::new);
  }
}
