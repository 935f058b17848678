package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code stoker --version} prints the version of the project that built it, read from the root pom here. */
class StokerVersionTest {
  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  /** The root pom's own version (stoker-parent's). */
  static String projectVersion() throws Exception {
    Matcher m = Pattern.compile("<artifactId>stoker-parent</artifactId>\\s*<version>([^<]+)</version>")
        .matcher(Files.readString(Path.of("..", "pom.xml")));
    assertThat(m.find()).as("stoker-parent's version in ../pom.xml").isTrue();
    return m.group(1);
  }

  @Test
  void version_printsTheProjectVersionOfThePom() throws Exception {
    int status = StokerCli.run("--version");

    assertThat(status).isZero();
    assertThat(console.out().lines().findFirst()).hasValue("stoker " + projectVersion());
    assertThat(console.out()).contains("Java " + System.getProperty("java.version"));
  }

  @Test
  void version_isTheFilteredResource_notItsPlaceholder() throws Exception {
    assertThat(StokerVersion.version()).isEqualTo(projectVersion()).doesNotContain("${");
  }
}
