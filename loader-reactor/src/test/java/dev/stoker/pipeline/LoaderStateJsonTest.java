package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stoker.api.LastBatchPolicy;
import dev.stoker.api.LoaderState;
import dev.stoker.api.TransformSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LoaderState as JSON: round trips exactly, resumes a loader, and a hostile file is refused naming the field. */
class LoaderStateJsonTest {
  private static final LoaderState STATE =
      new LoaderState(3, 17, 2, Long.MIN_VALUE + 5, true, 1, 4, LastBatchPolicy.FILL, 8, 100);

  private static String with(String field, Object value) throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode o = (ObjectNode) mapper.readTree(LoaderStateJson.toJson(STATE));
    if (value == null) {
      o.remove(field);
    } else {
      o.set(field, mapper.valueToTree(value));
    }
    return o.toString();
  }

  @Test
  void toJson_thenFromJson_sameState() {
    String json = LoaderStateJson.toJson(STATE);
    assertThat(json).startsWith("{\"format\":\"stoker-loader-state\",\"version\":1,\"epoch\":3,");
    assertThat(LoaderStateJson.fromJson(json, "test")).isEqualTo(STATE);
  }

  @Test
  void write_thenRead_sameStateAndNoTemporaryFileLeft(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("state.json");
    LoaderStateJson.write(file, STATE.at(0, 0, 0));
    LoaderStateJson.write(file, STATE);   // replaces
    assertThat(LoaderStateJson.read(file)).isEqualTo(STATE);
    try (var files = Files.list(tmp)) {
      assertThat(files.toList()).containsExactly(file);
    }
  }

  @Test
  void fromJson_eachFieldMissing_refusedNamingOriginAndField() throws Exception {
    for (String field : List.of("format", "version", "epoch", "position", "batch", "seed", "shuffle", "rank",
        "world_size", "last_batch", "batch_size", "dataset_size")) {
      assertThatThrownBy(() -> LoaderStateJson.fromJson(with(field, null), "s.json"))
          .as(field).isInstanceOf(IllegalArgumentException.class).hasMessage("s.json: field " + field + " is missing");
    }
  }

  @Test
  void fromJson_wrongTypesAndRanges_refusedNamingTheField() throws Exception {
    assertThatThrownBy(() -> LoaderStateJson.fromJson(with("epoch", -1), "s")).hasMessageStartingWith("s: field epoch:");
    assertThatThrownBy(() -> LoaderStateJson.fromJson(with("epoch", 1L << 31), "s")).hasMessageStartingWith("s: field epoch:");
    assertThatThrownBy(() -> LoaderStateJson.fromJson(with("position", 1.5), "s")).hasMessageStartingWith("s: field position:");
    assertThatThrownBy(() -> LoaderStateJson.fromJson(with("batch", "2"), "s")).hasMessageStartingWith("s: field batch:");
    assertThatThrownBy(() -> LoaderStateJson.fromJson(with("seed", new java.math.BigInteger("1" + "0".repeat(30))), "s"))
        .hasMessageStartingWith("s: field seed:");
    assertThatThrownBy(() -> LoaderStateJson.fromJson(with("shuffle", 1), "s")).hasMessageStartingWith("s: field shuffle:");
    assertThatThrownBy(() -> LoaderStateJson.fromJson(with("rank", 4), "s"))
        .hasMessage("s: field rank: must be an integer in [0, 3], got \"4\"");
    assertThatThrownBy(() -> LoaderStateJson.fromJson(with("world_size", 0), "s")).hasMessageStartingWith("s: field world_size:");
    assertThatThrownBy(() -> LoaderStateJson.fromJson(with("last_batch", "fill"), "s")).hasMessageStartingWith("s: field last_batch:");
    assertThatThrownBy(() -> LoaderStateJson.fromJson(with("batch_size", 0), "s")).hasMessageStartingWith("s: field batch_size:");
    assertThatThrownBy(() -> LoaderStateJson.fromJson(with("dataset_size", -3), "s")).hasMessageStartingWith("s: field dataset_size:");
    assertThatThrownBy(() -> LoaderStateJson.fromJson(with("format", "other"), "s")).hasMessageStartingWith("s: field format:");
    assertThatThrownBy(() -> LoaderStateJson.fromJson(with("version", 2), "s"))
        .hasMessageStartingWith("s: field version: 2 is not supported");
  }

  @Test
  void fromJson_notAnObjectUnknownOrDuplicateField_refused() throws Exception {
    assertThatThrownBy(() -> LoaderStateJson.fromJson("[1]", "s")).hasMessageStartingWith("s: not a JSON object");
    assertThatThrownBy(() -> LoaderStateJson.fromJson("{\"epoch\":", "s")).hasMessageStartingWith("s: not JSON");
    assertThatThrownBy(() -> LoaderStateJson.fromJson(with("extra\u001b", 1), "s"))
        .hasMessageStartingWith("s: unknown field \"extra?\"");
    String twice = LoaderStateJson.toJson(STATE).replace("{\"format\"", "{\"epoch\":0,\"format\"");
    assertThatThrownBy(() -> LoaderStateJson.fromJson(twice, "s")).hasMessageContaining("Duplicate field 'epoch'");
  }

  @Test
  void fromJson_hostileLongValue_quotedBounded() throws Exception {
    String longText = "z".repeat(3000);
    assertThatThrownBy(() -> LoaderStateJson.fromJson(with("last_batch", longText), "s"))
        .hasMessageEndingWith("got \"?" + "z".repeat(ShardEnvironment.MAX_QUOTED - 1) + "\"...");
  }

  @Test
  void read_fileOverTheBound_refusedBeforeParsing(@TempDir Path tmp) throws Exception {
    Path big = tmp.resolve("big.json");
    Files.writeString(big, "{" + " ".repeat(LoaderStateJson.MAX_BYTES) + "}");
    assertThatThrownBy(() -> LoaderStateJson.read(big))
        .hasMessage(big + ": more than 4096 bytes, larger than any loader state; not a state file");
    assertThatThrownBy(() -> LoaderStateJson.read(tmp)).hasMessage(tmp + ": not a regular file");
  }

  @Test
  void read_savedMidEpoch_resumedLoaderDeliversExactlyTheRest(@TempDir Path tmp) throws Exception {
    LoaderBuilder settings = Loader.builder().source(new FakeSamples.Source(30)).decoder(new FakeSamples.Decoder())
        .transforms(List.of(new TransformSpec.Resize(FakeSamples.SIZE, FakeSamples.SIZE)))
        .batchSize(4).threads(2).seed(9).shard(1, 2).ring(new RecordingRing.Factory(), 4);
    List<List<Integer>> whole = new ArrayList<>();
    Path file = tmp.resolve("state.json");
    try (Loader loader = settings.build()) {
      loader.run(2, batch -> {
        whole.add(Arrays.stream(RecordingRing.Seen.of(batch).sampleIndices()).boxed().toList());
        if (whole.size() == 3) {
          try {
            LoaderStateJson.write(file, loader.state());
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      });
    }
    LoaderState saved = LoaderStateJson.read(file);
    assertThat(saved.epoch()).isZero();
    assertThat(saved.batch()).isEqualTo(3);
    List<List<Integer>> rest = new ArrayList<>();
    try (Loader loader = settings.build()) {
      loader.run(saved, 2, batch -> rest.add(Arrays.stream(RecordingRing.Seen.of(batch).sampleIndices()).boxed().toList()));
    }
    assertThat(rest).isEqualTo(whole.subList(3, whole.size()));
    // negative control: another seed is refused, naming the field
    try (Loader other = settings.seed(10).build()) {
      assertThatThrownBy(() -> other.run(saved, 1, batch -> { })).hasMessageContaining("seed=9");
    }
  }

  @Test
  void sampling_roundTripsAsHexAndIsLeftOutWhenZero() {
    LoaderState drawn = new LoaderState(3, 17, 2, 5, true, 1, 4, LastBatchPolicy.FILL, 8, 100, 0x8000_0000_0000_0001L);

    String json = LoaderStateJson.toJson(drawn);

    assertThat(json).endsWith(",\"sampling\":\"8000000000000001\"}");
    assertThat(LoaderStateJson.fromJson(json, "t")).isEqualTo(drawn);
    assertThat(LoaderStateJson.toJson(STATE)).doesNotContain("sampling");
    assertThat(LoaderStateJson.fromJson(LoaderStateJson.toJson(STATE), "t").sampling()).isZero();
  }

  @Test
  void sampling_malformed_refusedNamingTheField() throws Exception {
    for (Object bad : List.of(5, "0000000000000000", "8000", "800000000000000G", "8000000000000001x")) {
      assertThatThrownBy(() -> LoaderStateJson.fromJson(with("sampling", bad), "s.json")).as("%s", bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("s.json: field sampling: ");
    }
  }
}
