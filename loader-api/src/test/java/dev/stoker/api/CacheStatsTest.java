package dev.stoker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Cache counters: the hit rate, differences between snapshots, and checks that name the field. */
class CacheStatsTest {
  @Test
  void hitRate_hitsAndMisses_isTheShareOfHits() {
    CacheStats stats = new CacheStats(3, 1, 0, 10, 100);

    assertThat(stats.requests()).isEqualTo(4);
    assertThat(stats.hitRate()).isEqualTo(0.75);
  }

  @Test
  void hitRate_noLookups_isZero() {
    assertThat(new CacheStats(0, 0, 0, 0, 1).hitRate()).isZero();
  }

  @Test
  void minus_earlierSnapshot_givesTheCountsInBetweenAndTheCurrentWeight() {
    CacheStats before = new CacheStats(2, 10, 1, 50, 100);
    CacheStats after = new CacheStats(12, 10, 4, 80, 100);

    assertThat(after.minus(before)).isEqualTo(new CacheStats(10, 0, 3, 80, 100));
    assertThat(after.minus(before).hitRate()).isEqualTo(1.0);
  }

  @Test
  void constructor_negativeCount_failsNamingTheField() {
    assertThatThrownBy(() -> new CacheStats(-1, 0, 0, 0, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hits");
    assertThatThrownBy(() -> new CacheStats(0, 0, 0, -5, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weightBytes");
  }
}
