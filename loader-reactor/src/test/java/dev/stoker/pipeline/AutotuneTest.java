package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.MemoryLimitException;
import org.junit.jupiter.api.Test;

/** The decision rules of {@link Autotune}, on injected sizes and stage times (no clock). */
class AutotuneTest {
  /** ImageNet-style costs: a 256-sample slot of 224x224x3, its samples, a worker's 64 MiB scratch and 4 MiB read buffer. */
  private static final Autotune.Costs COSTS = new Autotune.Costs(38_535_168, 150_528, 71_303_168);
  private static final Autotune.Asked OPEN = new Autotune.Asked(0, 0, 0, 4);
  private static final long MIB = 1L << 20;

  @Test
  void choose_budgetHoldsTheFullSetting_coresThreadsFourSlotsFourInFlightPerThread() {
    Tuning t = Autotune.choose(1L << 34, COSTS, OPEN);
    assertThat(t.threads()).isEqualTo(4);
    assertThat(t.activeThreads()).isEqualTo(4);
    assertThat(t.ringSlots()).isEqualTo(4);
    assertThat(t.inFlight()).isEqualTo(16);
    assertThat(t.autotuned()).isTrue();
    assertThat(t.totalBytes()).isEqualTo(COSTS.bytes(4, 16, 4)).isEqualTo(4 * 38_535_168L + 20 * 150_528L
        + 4 * 71_303_168L);
    assertThat(t.reason()).contains("the budget holds the full setting");
  }

  @Test
  void choose_everyBudgetFromTheMinimumUp_neverExceedsItAndGrowsWithIt() {
    long minimum = COSTS.bytes(1, 1, 1);
    Tuning previous = null;
    for (long budget = minimum; budget < COSTS.bytes(4, 16, 4) + 8 * MIB; budget += 3 * MIB) {
      Tuning t = Autotune.choose(budget, COSTS, OPEN);
      assertThat(t.totalBytes()).as("budget %,d", budget).isLessThanOrEqualTo(budget)
          .isEqualTo(COSTS.bytes(t.threads(), t.inFlight(), t.ringSlots()));
      assertThat(t.inFlight()).isPositive();
      assertThat(Integer.bitCount(t.ringSlots())).isEqualTo(1);
      if (previous != null) {
        assertThat(t.totalBytes()).as("budget %,d", budget).isGreaterThanOrEqualTo(previous.totalBytes());
        assertThat(t.threads()).isGreaterThanOrEqualTo(previous.threads());
      }
      previous = t;
    }
    assertThat(previous.threads()).isEqualTo(4);
    assertThat(previous.ringSlots()).isEqualTo(4);
  }

  @Test
  void choose_memoryBound_keepsThreadsAndShrinksInFlightThenSlots() {
    // room for 4 threads with 4 slots and 2 x threads in flight, not for 4 x threads
    long budget = COSTS.bytes(4, 8, 4) + MIB;
    Tuning t = Autotune.choose(budget, COSTS, OPEN);
    assertThat(t).extracting(Tuning::threads, Tuning::inFlight, Tuning::ringSlots).containsExactly(4, 8, 4);
    assertThat(t.reason()).startsWith("memory-bound");
    // then 2 slots
    t = Autotune.choose(COSTS.bytes(4, 8, 2) + MIB, COSTS, OPEN);
    assertThat(t).extracting(Tuning::threads, Tuning::inFlight, Tuning::ringSlots).containsExactly(4, 8, 2);
    // then fewer threads, each with the defaults
    t = Autotune.choose(COSTS.bytes(4, 4, 1) - 1, COSTS, OPEN);
    assertThat(t.threads()).isEqualTo(3);
  }

  @Test
  void choose_userSetThreadsInFlightAndSlots_keepsThemWhateverTheBudget() {
    Autotune.Asked asked = new Autotune.Asked(3, 5, 8, 4);
    Tuning t = Autotune.choose(COSTS.bytes(3, 5, 8), COSTS, asked);
    assertThat(t).extracting(Tuning::threads, Tuning::inFlight, Tuning::ringSlots).containsExactly(3, 5, 8);
    assertThat(t.reason()).contains("threads as given", "in-flight as given", "ring slots as given");
  }

  @Test
  void choose_userSetThreadsOnATightBudget_shrinksTheOthersNotTheThreads() {
    Autotune.Asked asked = new Autotune.Asked(3, 0, 0, 4);
    Tuning t = Autotune.choose(COSTS.bytes(3, 3, 1), COSTS, asked);
    assertThat(t).extracting(Tuning::threads, Tuning::inFlight, Tuning::ringSlots).containsExactly(3, 3, 1);
  }

  @Test
  void choose_budgetBelowTheSmallestSetting_refusedNamingMemoryBudgetAndTheMinimum() {
    long minimum = COSTS.bytes(1, 1, 1);
    assertThat(Autotune.choose(minimum, COSTS, OPEN))
        .extracting(Tuning::threads, Tuning::inFlight, Tuning::ringSlots).containsExactly(1, 1, 1);
    assertThatThrownBy(() -> Autotune.choose(minimum - 1, COSTS, OPEN))
        .isInstanceOf(MemoryLimitException.class)
        .hasMessageStartingWith("memoryBudget: ")
        .hasMessageContaining(String.format("at least %,d bytes", minimum));
  }

  @Test
  void choose_userThreadsDoNotFit_refusedWithTheMinimumForThoseThreads() {
    Autotune.Asked asked = new Autotune.Asked(4, 0, 0, 4);
    long minimum = COSTS.bytes(4, 1, 1);
    assertThat(Autotune.choose(minimum, COSTS, asked))
        .extracting(Tuning::threads, Tuning::inFlight, Tuning::ringSlots).containsExactly(4, 1, 1);
    assertThatThrownBy(() -> Autotune.choose(minimum - 1, COSTS, asked))
        .isInstanceOf(MemoryLimitException.class)
        .hasMessageContaining("4 thread(s)")
        .hasMessageContaining(String.format("at least %,d bytes", minimum));
  }

  @Test
  void fixed_noBudget_theDefaultsAsBefore() {
    Tuning t = Autotune.fixed(COSTS, new Autotune.Asked(0, 0, 0, 2));
    assertThat(t).extracting(Tuning::threads, Tuning::inFlight, Tuning::ringSlots, Tuning::autotuned)
        .containsExactly(2, 8, 4, false);
  }

  @Test
  void activeWorkers_consumerBound_parksTheWorkersTheConsumerCannotUse() {
    // the consumer takes a 256-sample batch in 256 ms (1,000 images/s); a worker makes one in 4 ms (250/s)
    Autotune.Measured m = new Autotune.Measured(4e6, 256e6, 256, 2.0, 1024);
    Autotune.Decision d = Autotune.activeWorkers(8, m);
    assertThat(d.active()).isEqualTo(5);   // ceil(1.25 * 1000 / 250)
    assertThat(d.why()).startsWith("consumer-bound").contains("5 of 8 workers kept", "parked");
  }

  @Test
  void activeWorkers_consumerBoundButNeedsThemAll_keepsAll() {
    Autotune.Measured m = new Autotune.Measured(4e6, 64e6, 256, 5.0, 1024);   // 4,000 images/s wanted
    assertThat(Autotune.activeWorkers(8, m).active()).isEqualTo(8);
  }

  @Test
  void activeWorkers_producerBound_keepsEveryWorker() {
    // the same rates, but the consumer waited: the workers set the pace
    Autotune.Measured m = new Autotune.Measured(4e6, 256e6, 256, 40.0, 1024);
    Autotune.Decision d = Autotune.activeWorkers(8, m);
    assertThat(d.active()).isEqualTo(8);
    assertThat(d.why()).startsWith("producer-bound");
  }

  @Test
  void activeWorkers_nothingMeasured_keepsEveryWorker() {
    assertThat(Autotune.activeWorkers(4, new Autotune.Measured(0, 0, 256, 0, 0)).active()).isEqualTo(4);
    assertThat(Autotune.activeWorkers(4, new Autotune.Measured(4e6, 0, 256, 0, 512)).active()).isEqualTo(4);
  }

  @Test
  void activeWorkers_verySlowConsumer_keepsAtLeastOne() {
    Autotune.Measured m = new Autotune.Measured(1e6, 60e9, 256, 0.0, 512);
    assertThat(Autotune.activeWorkers(4, m).active()).isEqualTo(1);
  }
}
