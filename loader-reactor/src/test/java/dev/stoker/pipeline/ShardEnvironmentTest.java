package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** RANK and WORLD_SIZE from an injected environment: both or neither, integers, rank inside the world. */
class ShardEnvironmentTest {

  private static Map<String, String> env(String rank, String worldSize) {
    Map<String, String> env = new HashMap<>();
    if (rank != null) {
      env.put("RANK", rank);
    }
    if (worldSize != null) {
      env.put("WORLD_SIZE", worldSize);
    }
    env.put("LOCAL_RANK", "0");   // read by the CUDA feed, never here
    return env;
  }

  @Test
  void read_bothSet_rankAndWorldSize() {
    assertThat(ShardEnvironment.read(env("2", "4")::get)).contains(new ShardEnvironment(2, 4));
    assertThat(ShardEnvironment.read(env(" 0 ", "+1")::get)).contains(new ShardEnvironment(0, 1));
  }

  @Test
  void read_neitherSet_empty() {
    assertThat(ShardEnvironment.read(env(null, null)::get)).isEqualTo(Optional.empty());
  }

  @Test
  void read_onlyOneSet_refusedNamingBoth() {
    assertThatThrownBy(() -> ShardEnvironment.read(env("1", null)::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("RANK is set but WORLD_SIZE is not");
    assertThatThrownBy(() -> ShardEnvironment.read(env(null, "2")::get))
        .hasMessageStartingWith("WORLD_SIZE is set but RANK is not");
  }

  @Test
  void read_rankOutsideTheWorld_refusedNamingRank() {
    assertThatThrownBy(() -> ShardEnvironment.read(env("4", "4")::get)).hasMessage("RANK=4: must be in [0, WORLD_SIZE=4)");
    assertThatThrownBy(() -> ShardEnvironment.read(env("-1", "4")::get)).hasMessageStartingWith("RANK=-1");
    assertThatThrownBy(() -> ShardEnvironment.read(env("0", "0")::get)).hasMessage("WORLD_SIZE=0: must be 1 or more");
  }

  @Test
  void read_notAnInteger_refusedNamingTheVariable() {
    assertThatThrownBy(() -> ShardEnvironment.read(env("one", "2")::get)).hasMessage("RANK=\"one\": not a decimal integer");
    assertThatThrownBy(() -> ShardEnvironment.read(env("0", "1.5")::get)).hasMessageStartingWith("WORLD_SIZE=\"1.5\"");
    assertThatThrownBy(() -> ShardEnvironment.read(env("0", "")::get)).hasMessageStartingWith("WORLD_SIZE=\"\"");
    assertThatThrownBy(() -> ShardEnvironment.read(env("0", "99999999999")::get))
        .hasMessage("WORLD_SIZE=\"99999999999\": out of range of an int");
  }

  @Test
  void read_hostileValue_quotedBoundedAndSanitised() {
    String hostile = "1\u001b[2J\n" + "x".repeat(10_000);
    assertThatThrownBy(() -> ShardEnvironment.read(env(hostile, "2")::get))
        .hasMessage("RANK=\"1?[2J?" + "x".repeat(ShardEnvironment.MAX_QUOTED - 6) + "\"...: not a decimal integer");
  }

  @Test
  void shardFromEnvironment_set_loaderHasThatShard() {
    try (Loader loader = Loader.builder().source(new FakeSamples.Source(12)).decoder(new FakeSamples.Decoder())
        .transforms(java.util.List.of(new dev.stoker.api.TransformSpec.Resize(FakeSamples.SIZE, FakeSamples.SIZE)))
        .batchSize(2).threads(1).ring(new RecordingRing.Factory(), 2)
        .shardFromEnvironment(env("2", "3")::get).build()) {
      assertThat(loader.state().rank()).isEqualTo(2);
      assertThat(loader.state().worldSize()).isEqualTo(3);
      assertThat(loader.samplesPerEpoch()).isEqualTo(4);
    }
  }

  @Test
  void shardFromEnvironment_neitherSet_negativeControl_explicitShardKept() {
    LoaderBuilder builder = Loader.builder().shard(1, 2).shardFromEnvironment(env(null, null)::get);
    assertThat(builder.rank).isEqualTo(1);
    assertThat(builder.worldSize).isEqualTo(2);
    assertThatThrownBy(() -> builder.shardFromEnvironment(env("x", "2")::get)).hasMessageStartingWith("RANK=");
    assertThat(builder.rank).as("a refused environment changes nothing").isEqualTo(1);
  }
}
