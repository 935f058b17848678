package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.stoker.api.DecodeRequest;
import dev.stoker.api.FailurePolicy;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.ImageHeader;
import dev.stoker.api.LoaderException;
import dev.stoker.api.RunSummary;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * An {@link Error} on a decode worker (an {@link OutOfMemoryError} from a huge image, a
 * {@link StackOverflowError}, a library's own error) ends the run with a {@link LoaderException}
 * naming it; before, Reactor dropped JVM-fatal errors on the scheduler thread, the sample never
 * arrived and the consumer waited for ever. An {@link Exception} is still a failed sample under the
 * failure policy (the negative control).
 */
class WorkerErrorTest {
  /** A hang guard, not a speed target: the run must end, on any machine. */
  private static final Duration ENDS_WITHIN = Duration.ofSeconds(60);
  private static final int BAD = 13;

  private final List<Loader> loaders = new ArrayList<>();

  @AfterEach
  void close() {
    loaders.forEach(Loader::close);
  }

  /** The fake decoder, throwing what {@code error} makes when it decodes sample {@link #BAD}. */
  private static final class Throwing implements ImageDecoder {
    private final FakeSamples.Decoder fake = new FakeSamples.Decoder();
    private final Supplier<? extends Throwable> error;

    Throwing(Supplier<? extends Throwable> error) {
      this.error = error;
    }

    @Override
    public String name() {
      return "throwing";
    }

    @Override
    public ImageHeader readHeader(ByteBuffer encoded, String source) {
      return fake.readHeader(encoded, source);
    }

    @Override
    public void decode(ByteBuffer encoded, DecodeRequest request, ImageBuffer destination, String source) {
      if (encoded.getInt(encoded.position()) == BAD) {
        sneaky(error.get());
      }
      fake.decode(encoded, request, destination, source);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneaky(Throwable t) throws T {
      throw (T) t;
    }
  }

  private Loader loader(Supplier<? extends Throwable> error, FailurePolicy policy, int threads) {
    Loader loader = Loader.builder()
        .source(new FakeSamples.Source(64))
        .decoder(new Throwing(error))
        .transforms(Presets.decodeOnly(FakeSamples.SIZE))
        .batchSize(4)
        .threads(threads)
        .failurePolicy(policy)
        .ring(new RecordingRing.Factory(), 2)
        .build();
    loaders.add(loader);
    return loader;
  }

  private Throwable runFails(Supplier<? extends Throwable> error, int threads) {
    Loader loader = loader(error, FailurePolicy.skip(), threads);
    return assertTimeoutPreemptively(ENDS_WITHIN, () -> catchThrowable(() -> loader.run(0, 3, batch -> { })),
        "the run hung after a decode worker's error");
  }

  @Test
  void run_decoderThrowsOutOfMemoryError_runFailsNamingIt() {
    for (int threads : new int[] {1, 2}) {
      Throwable failure = runFails(() -> new OutOfMemoryError("Java heap space (test)"), threads);

      assertThat(failure).as("threads %d", threads).isInstanceOf(LoaderException.class)
          .hasMessageContaining("OutOfMemoryError").hasMessageContaining("Java heap space (test)")
          .hasMessageContaining("fake://" + BAD)
          .hasRootCauseInstanceOf(OutOfMemoryError.class);
    }
  }

  @Test
  void run_decoderThrowsStackOverflowError_runFailsNamingIt() {
    Throwable failure = runFails(StackOverflowError::new, 2);

    assertThat(failure).isInstanceOf(LoaderException.class).hasMessageContaining("StackOverflowError")
        .hasRootCauseInstanceOf(StackOverflowError.class);
  }

  /** A library's own error type: not JVM-fatal to Reactor, but an Error, so not the sample's fault. */
  private static final class CodecError extends Error {
    CodecError(String message) {
      super(message);
    }
  }

  @Test
  void run_decoderThrowsCustomError_runFailsNamingItNotASkippedSample() {
    Throwable failure = runFails(() -> new CodecError("codec state corrupted"), 2);

    assertThat(failure).isInstanceOf(LoaderException.class).hasMessageContaining("CodecError")
        .hasMessageContaining("codec state corrupted").hasRootCauseInstanceOf(CodecError.class);
  }

  @Test
  void run_decoderThrowsOutOfMemoryError_loaderRefusesAnotherRunAndCloses() {
    Loader loader = loader(() -> new OutOfMemoryError("test"), FailurePolicy.skip(), 2);
    assertTimeoutPreemptively(ENDS_WITHIN, () -> catchThrowable(() -> loader.run(0, 1, batch -> { })));

    assertThat(catchThrowable(() -> loader.run(0, 1, batch -> { }))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("failed in an earlier run");
    assertTimeoutPreemptively(ENDS_WITHIN, loader::close);
  }

  /** Negative control: an exception is the sample's failure, counted under the policy as before. */
  @Test
  void run_decoderThrowsException_skippedUnderSkipAndFailsFastUnderFailFast() {
    Supplier<RuntimeException> broken = () -> new IllegalStateException("bad pixels");
    RunSummary summary = assertTimeoutPreemptively(ENDS_WITHIN,
        () -> loader(broken, FailurePolicy.skip(), 2).run(0, 2, batch -> { }));
    assertThat(summary.failed()).isEqualTo(2);
    assertThat(summary.delivered()).isEqualTo(2 * 63);

    Throwable failure = assertTimeoutPreemptively(ENDS_WITHIN,
        () -> catchThrowable(() -> loader(broken, FailurePolicy.failFast(), 2).run(0, 2, batch -> { })));
    assertThat(failure).isInstanceOf(LoaderException.class).hasMessageStartingWith("fail-fast: ")
        .hasMessageContaining("bad pixels");
  }

  /** The last resort: whatever Reactor hands a decode worker's uncaught-exception handler ends the run. */
  @Test
  void decodeWorkers_errorEscapingAReactorTask_reachesTheHandler() throws Exception {
    CompletableFuture<Throwable> heard = new CompletableFuture<>();
    ExecutorService workers = DecodeWorkers.create(1, heard::complete);
    Scheduler scheduler = Schedulers.fromExecutorService(workers, "test");
    try {
      scheduler.schedule(() -> {
        throw new OutOfMemoryError("escaped");
      });

      assertThat(heard.get(30, TimeUnit.SECONDS)).isInstanceOf(OutOfMemoryError.class).hasMessage("escaped");
    } finally {
      scheduler.dispose();
    }
  }
}
