package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stoker.dataset.Datasets;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands take a location where they took a directory: here a directory of WebDataset tar
 * shards, which the packed-dataset module's {@code DatasetProvider} opens. Runs where that provider
 * is installed (loader-pack on the class path with its service entry); skipped, saying so, where it
 * is not yet.
 */
class DatasetLocationsCliTest {
  @RegisterExtension
  static final CliDataset dataset = CliDataset.demo(4);

  @TempDir
  static Path tmp;

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  private static Path shards;
  private static int samples;

  /** The demo set's JPEGs as two tar shards, {@code KEY.jpg} + {@code KEY.cls} (the label, decimal). */
  @BeforeAll
  static void writeShards() throws IOException {
    shards = Files.createDirectories(tmp.resolve("wds"));
    List<Path> classes;
    try (Stream<Path> dirs = Files.list(dataset.dir())) {
      classes = dirs.filter(Files::isDirectory).sorted().toList();
    }
    int key = 0;
    for (int shard = 0; shard < 2; shard++) {
      try (OutputStream file = Files.newOutputStream(shards.resolve(String.format("shard-%06d.tar", shard)));
          TarArchiveOutputStream tar = new TarArchiveOutputStream(file)) {
        for (int label = shard; label < classes.size(); label += 2) {
          List<Path> images;
          try (Stream<Path> files = Files.list(classes.get(label))) {
            images = files.sorted(Comparator.naturalOrder()).toList();
          }
          for (Path image : images) {
            String name = String.format("%09d", key++);
            add(tar, name + ".jpg", Files.readAllBytes(image));
            add(tar, name + ".cls", Integer.toString(label).getBytes(StandardCharsets.US_ASCII));
          }
        }
      }
    }
    samples = key;
  }

  private static void add(TarArchiveOutputStream tar, String name, byte[] bytes) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(bytes.length);
    tar.putArchiveEntry(entry);
    tar.write(bytes);
    tar.closeArchiveEntry();
  }

  private static void assumeProvider() {
    assumeTrue(Datasets.provider(shards.toString()).isPresent(),
        "no DatasetProvider recognises a directory of tar shards (loader-pack's provider is not installed)");
  }

  @Test
  void list_directoryOfTarShards_countsTheSamplesAndStatsNoFile() {
    assumeProvider();

    assertThat(StokerCli.run("list", shards.toString())).as(console.err()).isZero();

    JsonNode json = console.lastJson();
    assertThat(json.get("files").asInt()).isEqualTo(samples);
    // the samples are members of shards, not files: none is counted missing
    assertThat(json.get("missing_images").asInt()).isZero();
  }

  private JsonNode bench(String... extra) {
    String[] args = Stream.concat(Stream.of("bench", shards.toString(), "--epochs", "1", "--batch", "4", "--size",
        "32", "--json"), Stream.of(extra)).toArray(String[]::new);
    console.resetOut();
    assertThat(StokerCli.run(args)).as(String.join(" ", args) + ": " + console.err()).isZero();
    return console.lastJson();
  }

  @Test
  void bench_tarShards_sameDigestAtOneAndTwoThreads_anotherSeedAnother() {
    assumeProvider();

    JsonNode one = bench("--threads", "1");
    JsonNode two = bench("--threads", "2");

    assertThat(one.get("images").asInt()).isEqualTo(samples);
    assertThat(two.get("digest").asText()).isEqualTo(one.get("digest").asText());
    // negative control: the digest sees a change of order
    assertThat(bench("--threads", "2", "--seed", "1").get("digest").asText()).isNotEqualTo(one.get("digest").asText());
  }

  @Test
  void bench_tarShardsOnTwoRanks_togetherEverySampleOnce() {
    assumeProvider();

    int rank0 = bench("--threads", "1", "--world-size", "2", "--rank", "0").get("images").asInt();
    int rank1 = bench("--threads", "1", "--world-size", "2", "--rank", "1").get("images").asInt();

    assertThat(rank0 + rank1).isEqualTo(samples);
  }

  @Test
  void bench_tarShardsWithStorageOptions_acceptedAndRun() {
    assumeProvider();

    assertThat(bench("--threads", "1", "--read-cache", "16m", "--storage-attempts", "2").get("images").asInt())
        .isEqualTo(samples);
  }

  @Test
  void doctor_tarShards_measuresReadsThroughTheStoreAndSaysSo() {
    assumeProvider();

    assertThat(StokerCli.run("doctor", shards.toString(), "--sample", "8", "--json")).as(console.err()).isZero();

    assertThat(console.err()).contains("reads are measured through its store");
    assertThat(console.out()).contains("through the dataset's store");
  }
}
