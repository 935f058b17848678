package dev.stoker.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Captures {@code System.out} and {@code System.err} around each test of a CLI test class.
 *
 * <pre>{@code
 * @RegisterExtension final ConsoleCapture console = new ConsoleCapture();
 * assertThat(console.out()).contains("delivered");
 * }</pre>
 */
final class ConsoleCapture implements BeforeEachCallback, AfterEachCallback {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream savedOut;
  private PrintStream savedErr;

  @Override
  public void beforeEach(ExtensionContext context) {
    savedOut = System.out;
    savedErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Override
  public void afterEach(ExtensionContext context) {
    System.setOut(savedOut);
    System.setErr(savedErr);
  }

  /** Everything written to standard output so far (since the last {@link #resetOut()}). */
  String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Everything written to standard error so far. */
  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  /** The last line written to standard output. */
  String lastOutLine() {
    List<String> lines = out().lines().toList();
    return lines.isEmpty() ? "" : lines.getLast();
  }

  /** The last line written to standard output, read as JSON (the {@code --json} result line). */
  JsonNode lastJson() {
    String line = lastOutLine();
    if (line.isEmpty()) {
      throw new AssertionError("nothing on standard output; standard error: " + err());
    }
    try {
      return new ObjectMapper().readTree(line);
    } catch (JsonProcessingException e) {
      throw new AssertionError("last line of standard output is not JSON: " + line, e);
    }
  }

  /** Forgets what was written to standard output. */
  void resetOut() {
    out.reset();
  }

  /** Forgets what was written to standard error. */
  void resetErr() {
    err.reset();
  }
}
