package dev.stoker.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the outside sees of the build: the BOM manages every published module at the project's
 * version, and the examples project (a build of its own, like a user's) takes Stoker through the BOM
 * alone. A module added to the root pom must be placed in {@link #PUBLISHED} or {@link #NOT_PUBLISHED}.
 */
class PublishedArtifactsTest {
  private static final Path ROOT = Path.of("..");
  /** The library modules and the CLI: what a user's build may depend on. */
  static final Set<String> PUBLISHED = Set.of("loader-api", "loader-ring", "loader-reactor", "loader-cuda",
      "loader-remote", "loader-storage", "loader-pack", "loader-cli");
  /** Test fixtures, checks, benchmarks and the build's own packaging. */
  static final Set<String> NOT_PUBLISHED = Set.of("stoker-bom", "cuda-standin", "gpu-checks", "integration-tests",
      "benchmarks", "distribution");
  private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
  private static final Pattern DEPENDENCY = Pattern.compile(
      "<dependency>\\s*<groupId>([^<]+)</groupId>\\s*<artifactId>([^<]+)</artifactId>(\\s*<version>([^<]+)</version>)?");

  private static String read(String path) throws IOException {
    return Files.readString(ROOT.resolve(path));
  }

  /** The root pom's modules (the default build's, before any profile). */
  static List<String> modules() throws IOException {
    String pom = read("pom.xml");
    String modules = pom.substring(pom.indexOf("<modules>"), pom.indexOf("</modules>"));
    List<String> names = new ArrayList<>();
    Matcher m = MODULE.matcher(modules);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  static String projectVersion() throws IOException {
    Matcher m = Pattern.compile("<artifactId>stoker-parent</artifactId>\\s*<version>([^<]+)</version>")
        .matcher(read("pom.xml"));
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  @Test
  void rootModules_areEachPublishedOrNot() throws IOException {
    assertThat(modules()).allMatch(m -> PUBLISHED.contains(m) || NOT_PUBLISHED.contains(m))
        .containsAll(PUBLISHED).doesNotContain("examples");
  }

  @Test
  void bom_managesEveryPublishedModule_atTheProjectVersion() throws IOException {
    String bom = read("stoker-bom/pom.xml");
    List<String> managed = new ArrayList<>();
    Matcher m = DEPENDENCY.matcher(bom);
    while (m.find()) {
      assertThat(m.group(1)).isEqualTo("dev.stoker");
      assertThat(m.group(4)).as(m.group(2) + "'s version").isEqualTo("${project.version}");
      managed.add(m.group(2));
    }

    assertThat(managed).containsExactlyInAnyOrderElementsOf(PUBLISHED);
    assertThat(bom).doesNotContain("<parent>")
        .contains("<artifactId>stoker-bom</artifactId>\n  <version>" + projectVersion() + "</version>");
  }

  @Test
  void examples_takeStokerThroughTheBom_andPublishedModulesOnly() throws IOException {
    String pom = read("examples/pom.xml");
    Matcher m = DEPENDENCY.matcher(pom);
    List<String> stoker = new ArrayList<>();
    while (m.find()) {
      if (m.group(1).equals("dev.stoker")) {
        stoker.add(m.group(2));
        if (!m.group(2).equals("stoker-bom")) {
          assertThat(m.group(4)).as(m.group(2) + " takes its version from the BOM").isNull();
        }
      }
    }

    assertThat(stoker).first().isEqualTo("stoker-bom");
    assertThat(stoker.subList(1, stoker.size())).isNotEmpty().allMatch(PUBLISHED::contains);
    assertThat(pom).doesNotContain("<parent>").contains("<scope>import</scope>")
        .contains("<stoker.version>" + projectVersion() + "</stoker.version>");
  }

  @Test
  void examples_areThreePrograms() throws IOException {
    try (Stream<Path> files = Files.list(ROOT.resolve("examples/src/main/java/dev/stoker/examples"))) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
          "TrainClassifier.java", "DetectBoxes.java", "StreamFromNode.java");
    }
  }
}
