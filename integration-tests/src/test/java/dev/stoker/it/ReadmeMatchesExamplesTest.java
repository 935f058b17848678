package dev.stoker.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's Java quick starts are the examples: a {@code ```java} block followed by the line
 * {@code The whole program: [`examples/...java`](...)} shows lines of that file, each (without its
 * indentation) a line of the file, in the file's order. The README's blocks compile on their own too
 * (loader-cli's ReadmeExamplesTest); this test keeps them from drifting away from the programs that
 * examples/run.sh builds and runs.
 */
class ReadmeMatchesExamplesTest {
  private static final Path ROOT = Path.of("..");
  private static final Pattern WHOLE = Pattern.compile("^The whole program: \\[`(examples/[^`]+\\.java)`]\\(\\1\\)");

  /** A README block said to come from {@code file}: its first line (1-based) and its lines. */
  record Excerpt(String file, int line, List<String> code) {}

  static List<Excerpt> excerpts(List<String> readme) {
    List<Excerpt> excerpts = new ArrayList<>();
    for (int i = 0; i < readme.size(); i++) {
      Matcher m = WHOLE.matcher(readme.get(i));
      if (!m.find()) {
        continue;
      }
      int end = i - 1;
      assertThat(end).as("README.md line %d follows a ```java block", i + 1).isPositive();
      assertThat(readme.get(end).strip()).as("README.md line %d follows a ```java block", i + 1).isEqualTo("```");
      int start = end - 1;
      while (start >= 0 && !readme.get(start).strip().equals("```java")) {
        start--;
      }
      excerpts.add(new Excerpt(m.group(1), start + 2, readme.subList(start + 1, end)));
    }
    return excerpts;
  }

  /** The first line of {@code excerpt} that is not, in order, a line of {@code source}; null if none. */
  static String firstMissing(List<String> excerpt, List<String> source) {
    int at = 0;
    for (String line : excerpt) {
      String wanted = line.strip();
      if (wanted.isEmpty()) {
        continue;
      }
      while (at < source.size() && !source.get(at).strip().equals(wanted)) {
        at++;
      }
      if (at == source.size()) {
        return line;
      }
      at++;
    }
    return null;
  }

  @Test
  void readmeExcerpts_areLinesOfTheExamples_inOrder() throws IOException {
    List<Excerpt> excerpts = excerpts(Files.readAllLines(ROOT.resolve("README.md")));

    assertThat(excerpts).extracting(Excerpt::file).containsExactlyInAnyOrder(
        "examples/src/main/java/dev/stoker/examples/TrainClassifier.java",
        "examples/src/main/java/dev/stoker/examples/DetectBoxes.java",
        "examples/src/main/java/dev/stoker/examples/StreamFromNode.java");
    for (Excerpt e : excerpts) {
      List<String> source = Files.readAllLines(ROOT.resolve(e.file()));
      assertThat(firstMissing(e.code(), source)).as("README.md from line %d: a line not in %s (in order)", e.line(),
          e.file()).isNull();
    }
  }

  @Test
  void firstMissing_lineOutOfOrder_isReported() {
    List<String> source = List.of("a();", "  b();", "c();");

    assertThat(firstMissing(List.of("a();", "b();", "c();"), source)).isNull();
    assertThat(firstMissing(List.of("  b();", "a();"), source)).isEqualTo("a();");
    assertThat(firstMissing(List.of("a();", "d();"), source)).isEqualTo("d();");
  }
}
