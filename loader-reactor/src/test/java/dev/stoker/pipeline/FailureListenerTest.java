package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.stoker.api.FailurePolicy;
import dev.stoker.api.LoaderException;
import dev.stoker.api.SampleFailure;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link LoaderBuilder#onFailure}: each failure is heard as it happens, also when it ends the run. */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // a hang guard, not a speed target
class FailureListenerTest {
  private static Loader loader(FailurePolicy policy, Consumer<SampleFailure> listener) {
    return Loader.builder()
        .source(new FakeSamples.Source(24, Set.of(5, 9), Set.of()))
        .decoder(new FakeSamples.Decoder())
        .transforms(Presets.decodeOnly(FakeSamples.SIZE))
        .batchSize(4)
        .threads(2)
        .failurePolicy(policy)
        .onFailure(listener)
        .ring(new RecordingRing.Factory(), 2)
        .build();
  }

  @Test
  void run_skip_listenerHearsEveryFailureOnceAsTheSummaryLists() {
    List<SampleFailure> heard = new CopyOnWriteArrayList<>();
    try (Loader loader = loader(FailurePolicy.skip(), heard::add)) {
      var summary = loader.run(0, 2, batch -> { });

      assertThat(heard).containsExactlyElementsOf(summary.failures()).hasSize(4);
    }
  }

  @Test
  void run_failFast_listenerHeardTheFailureThatEndedTheRun() {
    List<SampleFailure> heard = new CopyOnWriteArrayList<>();
    try (Loader loader = loader(FailurePolicy.failFast(), heard::add)) {
      Throwable failure = catchThrowable(() -> loader.run(0, 1, batch -> { }));

      assertThat(failure).isInstanceOf(LoaderException.class).hasMessageStartingWith("fail-fast: ");
      assertThat(heard).singleElement().satisfies(f -> assertThat(failure.getMessage()).contains(f.source()));
    }
  }

  @Test
  void run_listenerThrows_runFailsNamingIt() {
    try (Loader loader = loader(FailurePolicy.skip(), f -> {
      throw new IllegalStateException("disk full");
    })) {
      Throwable failure = catchThrowable(() -> loader.run(0, 1, batch -> { }));

      assertThat(failure).isInstanceOf(LoaderException.class).hasMessageContaining("failure listener")
          .hasMessageContaining("disk full");
    }
  }
}
