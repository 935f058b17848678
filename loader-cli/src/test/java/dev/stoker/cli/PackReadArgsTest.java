package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.pack.PackReadOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

/**
 * The pack and storage options ({@link PackReadArgs}): what they map to, their ranges, and their
 * refusal beside a dataset of local files, which they would not change.
 */
class PackReadArgsTest {
  @TempDir
  Path tmp;

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  private static PackReadArgs parse(String... args) {
    PackReadArgs parsed = new PackReadArgs();
    new CommandLine(parsed).parseArgs(args);
    return parsed;
  }

  @Test
  void options_none_areThePackDefaults() {
    PackReadArgs none = parse();

    assertThat(none.given()).isFalse();
    assertThat(none.firstGiven()).isNull();
    assertThat(none.options()).isEqualTo(PackReadOptions.defaults());
  }

  @Test
  void options_everyFlag_mapsOntoTheReadAndStorageOptions() {
    PackReadArgs all = parse("--shard-shuffle", "--shuffle-buffer", "64", "--read-cache", "64m",
        "--s3-endpoint", "http://127.0.0.1:9000", "--storage-attempts", "2", "--storage-timeout", "1500ms");

    PackReadOptions options = all.options();

    assertThat(all.given()).isTrue();
    assertThat(options.shardShuffle()).isTrue();
    assertThat(options.shuffleBuffer()).isEqualTo(64);
    assertThat(options.cacheBytes()).isEqualTo(64L << 20);
    assertThat(options.storage().s3Endpoint()).isEqualTo("http://127.0.0.1:9000");
    assertThat(options.storage().maxAttempts()).isEqualTo(2);
    assertThat(options.storage().requestTimeout()).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void options_outOfRange_refusedNamingTheOptionAsTyped() {
    String[][] cases = {
        {"--shuffle-buffer", "8"}, {"--shard-shuffle", "--shuffle-buffer", "0"},
        {"--shard-shuffle", "--shuffle-buffer", "1000001"}, {"--storage-attempts", "0"},
        {"--storage-attempts", "21"}, {"--read-cache", "4m"}, {"--s3-endpoint", "127.0.0.1:9000"}};
    for (String[] args : cases) {
      String option = args[args.length - 2];
      assertThatThrownBy(() -> parse(args).options()).as(String.join(" ", args))
          .isInstanceOf(UsageException.class).hasMessageStartingWith(option);
    }
    // negative control: the boundaries are accepted
    assertThat(parse("--shard-shuffle", "--shuffle-buffer", "1", "--storage-attempts", "20", "--read-cache", "8m")
        .options().shuffleBuffer()).isOne();
  }

  @Test
  void storageTimeout_unitsAndNonsense() {
    PackReadArgs.Seconds seconds = new PackReadArgs.Seconds();

    assertThat(seconds.convert("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(seconds.convert("2M")).isEqualTo(Duration.ofMinutes(2));
    assertThat(seconds.convert("1h")).isEqualTo(Duration.ofHours(1));
    for (String bad : List.of("0s", "30", "-1s", "PT30S", "1.5s", "s")) {
      assertThatThrownBy(() -> seconds.convert(bad)).as(bad).isInstanceOf(TypeConversionException.class)
          .hasMessageContaining("'" + bad + "'");
    }
  }

  private Path imageFolder() throws Exception {
    Path cls = Files.createDirectories(tmp.resolve("data/cat"));
    Files.writeString(cls.resolve("1.jpg"), "x");
    return cls.getParent();
  }

  @Test
  void list_packOptionBesideALocalFolder_exitTwoNamingIt_withoutOneListsIt() throws Exception {
    Path data = imageFolder();
    for (String option : List.of("--shard-shuffle", "--read-cache=64m", "--s3-endpoint=http://127.0.0.1:9",
        "--storage-attempts=2", "--storage-timeout=5s")) {
      console.resetErr();
      assertThat(StokerCli.run("list", option, data.toString())).as(option).isEqualTo(2);
      assertThat(console.err()).contains("stoker: " + option.replaceFirst("=.*", "") + " reads packed datasets")
          .contains(data + " is a dataset of local files");
    }
    // negative control: the same folder without them
    assertThat(StokerCli.run("list", data.toString())).as(console.err()).isZero();
    assertThat(console.lastJson().get("files").asInt()).isOne();
  }

  @Test
  void bench_mixOfLocalFoldersWithAPackOption_exitTwo() throws Exception {
    Path data = imageFolder();
    assertThat(StokerCli.run("bench", "--mix", data + ":1", "--shard-shuffle", "--epochs", "1")).isEqualTo(2);
    assertThat(console.err()).contains("--shard-shuffle reads packed datasets");
  }

  @Test
  void serve_shardShuffle_exitTwoSayingWhy() throws Exception {
    assertThat(StokerCli.run("serve", "--data", imageFolder().toString(), "--port", "0", "--shard-shuffle"))
        .isEqualTo(2);
    assertThat(console.err()).contains("--shard-shuffle: a node processes the samples its clients ask for");
  }

  @Test
  void help_everyDatasetCommand_documentsThePackOptions() {
    for (String command : List.of("list", "bench", "demo", "doctor", "serve")) {
      console.resetOut();
      assertThat(StokerCli.run(command, "--help")).isZero();
      assertThat(console.out()).as(command).contains("--shard-shuffle").contains("--shuffle-buffer")
          .contains("--read-cache").contains("--s3-endpoint").contains("--storage-attempts")
          .contains("--storage-timeout").contains("s3://");
    }
  }
}
