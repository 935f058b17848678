package dev.stoker.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.LoaderException;
import dev.stoker.api.SampleSource;
import dev.stoker.dataset.Datasets;
import dev.stoker.testkit.GradientImageFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Determinism at any thread count, and resuming after an interruption to the same bytes. */
class PackResumeTest {
  @TempDir
  Path tmp;

  SampleSource source;

  @BeforeEach
  void dataset() {
    source = Datasets.open(GradientImageFolder.of(60).size(200, 150, 5, 3).withBroken().writeTo(tmp.resolve("data")));
  }

  static PackOptions options(int workers) {
    return PackOptions.defaults().withMaxSide(40).withShardSize(PackOptions.MIN_SHARD_SIZE).withWorkers(workers);
  }

  /** Stops the pack (as a kill would) once {@code shards} shards are finished and the next is under way. */
  static Consumer<PackProgress> stopAfter(int shards) {
    return p -> {
      if (p.shards() >= shards && p.done() % 3 == 0) {
        throw new IllegalStateException("simulated interruption");
      }
    };
  }

  private static void assertSamePack(Path a, Path b) throws IOException {
    assertThat(PackFixtures.files(a)).isEqualTo(PackFixtures.files(b));
    List<byte[]> sa = PackFixtures.shardBytes(a);
    List<byte[]> sb = PackFixtures.shardBytes(b);
    assertThat(sa).hasSameSizeAs(sb).hasSizeGreaterThan(3);
    for (int i = 0; i < sa.size(); i++) {
      assertThat(sa.get(i)).as("shard %d", i).isEqualTo(sb.get(i));
    }
    assertThat(Files.readAllBytes(a.resolve("index.bin"))).isEqualTo(Files.readAllBytes(b.resolve("index.bin")));
    PackDescriptor da = PackFixtures.descriptor(a);
    PackDescriptor db = PackFixtures.descriptor(b);
    assertThat(da).usingRecursiveComparison().ignoringFields("created").isEqualTo(db);
  }

  @Test
  void write_oneWorkerAndFour_byteIdenticalShards() throws IOException {
    PackWriting.write(source, tmp.resolve("one"), options(1));
    PackWriting.write(source, tmp.resolve("four"), options(4));
    assertSamePack(tmp.resolve("one"), tmp.resolve("four"));
  }

  @Test
  void write_otherQuality_differentShards_negativeControl() throws IOException {
    PackWriting.write(source, tmp.resolve("q90"), options(2));
    PackWriting.write(source, tmp.resolve("q60"), options(2).withQuality(60));
    assertThat(PackFixtures.shardBytes(tmp.resolve("q90")).getFirst())
        .isNotEqualTo(PackFixtures.shardBytes(tmp.resolve("q60")).getFirst());
  }

  @Test
  void write_interruptedThenRerun_keepsFinishedShardsAndEqualsAnUninterruptedPack() throws IOException {
    Path whole = tmp.resolve("whole");
    PackWriting.write(source, whole, options(3));
    Path resumed = tmp.resolve("resumed");
    assertThatThrownBy(() -> PackWriting.write(source, resumed, options(3), stopAfter(2)))
        .hasMessageContaining("simulated interruption");
    List<String> left = PackFixtures.files(resumed);
    assertThat(left).contains("shard-000000.tar", "shard-000000.done.json", "shard-000001.tar",
        "shard-000001.done.json", "shard-000002.tar.partial", PackProgressFiles.STATE_NAME)
        .doesNotContain(PackDescriptor.FILE_NAME, PackDescriptor.INDEX_NAME);

    PackReport report = PackWriting.write(source, resumed, options(2));
    assertThat(report.keptShards()).isEqualTo(2);
    assertThat(report.handled()).isLessThan(source.size());
    assertThat(report.failed()).isEqualTo(1);
    assertSamePack(whole, resumed);
  }

  @Test
  void write_finishedShardCorruptedBeforeRerun_rewritesIt() throws IOException {
    Path whole = tmp.resolve("whole");
    PackWriting.write(source, whole, options(2));
    Path resumed = tmp.resolve("resumed");
    assertThatThrownBy(() -> PackWriting.write(source, resumed, options(2), stopAfter(3)))
        .isInstanceOf(IllegalStateException.class);
    Path shard1 = resumed.resolve("shard-000001.tar");
    byte[] bytes = Files.readAllBytes(shard1);
    bytes[700] ^= 0x40;
    Files.write(shard1, bytes);

    PackReport report = PackWriting.write(source, resumed, options(2));
    assertThat(report.keptShards()).isEqualTo(1);
    assertSamePack(whole, resumed);
  }

  @Test
  void write_rerunWithOtherQuality_refusesNamingQuality() throws IOException {
    Path pack = tmp.resolve("pack");
    assertThatThrownBy(() -> PackWriting.write(source, pack, options(2), stopAfter(1)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> PackWriting.write(source, pack, options(2).withQuality(75)))
        .isInstanceOf(LoaderException.class).hasMessageContaining("'quality' differs")
        .hasMessageContaining("90").hasMessageContaining("75");
    // the refused run touched nothing: the right options still resume
    assertThat(PackWriting.write(source, pack, options(2)).keptShards()).isEqualTo(1);
  }

  @Test
  void write_rerunWithAnotherSource_refusesNamingTheSource() throws IOException {
    Path pack = tmp.resolve("pack");
    assertThatThrownBy(() -> PackWriting.write(source, pack, options(2), stopAfter(1)))
        .isInstanceOf(IllegalStateException.class);
    SampleSource other = Datasets.open(GradientImageFolder.of(61).writeTo(tmp.resolve("other")));
    assertThatThrownBy(() -> PackWriting.write(other, pack, options(2)))
        .isInstanceOf(LoaderException.class).hasMessageContaining("'source");
  }

  @Test
  void write_intoAFinishedPack_refuses() throws IOException {
    Path pack = tmp.resolve("pack");
    PackWriting.write(source, pack, options(2));
    assertThatThrownBy(() -> PackWriting.write(source, pack, options(2)))
        .isInstanceOf(LoaderException.class).hasMessageContaining("already holds a finished pack");
  }
}
