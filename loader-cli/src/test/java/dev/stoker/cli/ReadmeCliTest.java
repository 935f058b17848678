package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stoker.dataset.ImageFolderSource;
import dev.stoker.remote.node.DataNode;
import dev.stoker.remote.node.DataNodeConfig;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The README and {@code --help} cannot drift from the command: every option of every command and
 * every environment variable the CLI and its launcher read are documented, and the bench JSON
 * table lists exactly the keys {@code bench --json} emits.
 */
class ReadmeCliTest {
  private static final Path README = Path.of("..", "README.md");
  private static final Path LAUNCHER = Path.of("..", "stoker");
  private static final Path SOURCES = Path.of("src", "main", "java");
  private static final Set<String> STANDARD = Set.of("--help", "--version");

  @RegisterExtension
  static final CliDataset dataset = CliDataset.demo(2);

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  @Test
  void readme_namesEveryOptionOfEveryCommand() throws IOException {
    String readme = Files.readString(README);
    CommandLine root = new CommandLine(new StokerCli());
    List<String> missing = new ArrayList<>();
    for (CommandLine command : root.getSubcommands().values()) {
      for (OptionSpec option : command.getCommandSpec().options()) {
        String name = option.longestName();
        boolean named = Pattern.compile("(?<![\\w-])" + Pattern.quote(name) + "(?![\\w-])").matcher(readme).find();
        if (!STANDARD.contains(name) && !named) {
          missing.add(command.getCommandName() + " " + name);
        }
      }
    }
    assertThat(missing).as("options missing from README.md").isEmpty();
  }

  /** The environment variables read: by the launcher script, and by the CLI's sources. */
  private static Set<String> environment() throws IOException {
    Set<String> names = new TreeSet<>();
    Matcher launcher = Pattern.compile("STOKER_[A-Z_]+").matcher(Files.readString(LAUNCHER));
    while (launcher.find()) {
      names.add(launcher.group());
    }
    Pattern getenv = Pattern.compile("getenv\\(\"([A-Z_]+)\"\\)");
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Matcher m = getenv.matcher(Files.readString(file));
        while (m.find()) {
          names.add(m.group(1));
        }
      }
    }
    return names;
  }

  @Test
  void readmeAndHelp_nameEveryEnvironmentVariableRead() throws IOException {
    Set<String> names = environment();
    assertThat(names).as("found at all").contains("STOKER_JAVA", "STOKER_JAVA_OPTS", "STOKER_DEBUG");
    String readme = Files.readString(README);
    String help = new CommandLine(new StokerCli()).getUsageMessage();
    for (String name : names) {
      assertThat(readme).as("README.md").contains("`" + name + "`");
      assertThat(help).as("stoker --help").containsPattern("(?m)^\\s+" + name + "\\s");
    }
  }

  /** The keys of the README's bench JSON table: the backticked names in the first column. */
  private static Set<String> readmeBenchKeys() throws IOException {
    List<String> lines = Files.readAllLines(README);
    int start = -1;
    for (int i = 0; i < lines.size() && start < 0; i++) {
      if (lines.get(i).contains("With `--json` its last stdout line is one JSON")) {
        start = i;
      }
    }
    assertThat(start).as("the bench JSON paragraph").isNotNegative();
    while (!lines.get(start).startsWith("| key |")) {
      start++;
    }
    Set<String> keys = new TreeSet<>();
    Pattern key = Pattern.compile("`([a-z0-9_]+)`");
    for (int i = start + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      Matcher m = key.matcher(lines.get(i).split("\\|")[1]);
      while (m.find()) {
        keys.add(m.group(1));
      }
    }
    return keys;
  }

  private Set<String> benchKeys(String... args) {
    List<String> all = new ArrayList<>(List.of("bench", "--threads", "1", "--batch", "4", "--size", "16", "--epochs",
        "1", "--json"));
    all.addAll(List.of(args));
    console.resetOut();
    assertThat(StokerCli.run(all.toArray(String[]::new))).as(console.err()).isZero();
    Set<String> keys = new TreeSet<>();
    JsonNode json = console.lastJson();
    json.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  @Test
  void readmeBenchTable_listsExactlyTheKeysBenchEmits(@TempDir Path tmp) throws IOException {
    Set<String> emitted = new TreeSet<>();
    emitted.addAll(benchKeys(dataset.dir().toString(), "--floor", "--cache-bytes", "4m"));
    emitted.addAll(benchKeys(detectionManifest(tmp).toString(), "--preset", "decode-only"));
    try (DataNode node = DataNode.start(DataNodeConfig.loopback(ImageFolderSource.open(dataset.dir())).withWorkers(1))) {
      emitted.addAll(benchKeys("--remote", "127.0.0.1:" + node.address().getPort()));
    }
    assertThat(readmeBenchKeys()).as("README.md's bench JSON table").containsExactlyInAnyOrderElementsOf(emitted);
  }

  /** Two images with a box each, in a CSV manifest. */
  private static Path detectionManifest(Path dir) throws IOException {
    for (String name : List.of("a.jpg", "b.jpg")) {
      DemoDataset.writeJpeg(new BufferedImage(32, 32, BufferedImage.TYPE_3BYTE_BGR), dir.resolve(name));
    }
    return Files.writeString(dir.resolve("boxes.csv"), "path,label,boxes\na.jpg,cat,2 2 20 20 cat\n"
        + "b.jpg,dog,4 4 30 30 dog\n");
  }
}
