package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.testkit.BadImageFiles;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code stoker serve}: refuses an open bind without TLS and token; serves on loopback until interrupted. */
class ServeCommandTest {
  private static final Pattern SERVING = Pattern.compile("serving (.+) \\((sha256:\\S+)\\) on ([0-9.]+):(\\d+)");

  @RegisterExtension
  static final CliDataset dataset = new CliDataset(dir -> {
    for (String cls : new String[] {"a", "b"}) {
      Path classDir = Files.createDirectories(dir.resolve(cls));
      for (int i = 0; i < 2; i++) {
        Files.write(classDir.resolve(i + ".jpg"), BadImageFiles.goodJpeg(40 + i, 30 + i, i));
      }
    }
  });

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  @Test
  void serve_nonLoopbackBindWithoutTlsOrToken_exitsNonZeroWithTheMessage() {
    int status = StokerCli.run("serve", "--data", dataset.dir().toString(), "--port", "0", "--bind", "0.0.0.0");
    assertThat(status).isNotZero();
    assertThat(console.err())
        .contains("binding 0.0.0.0 requires --tls-cert/--tls-key and --token-file; loopback may run without");
    assertThat(console.out()).doesNotContain("serving");
  }

  @Test
  void serve_tokenWithoutTlsOnANonLoopbackBind_exitsNonZero() throws IOException {
    Path token = Files.writeString(dataset.dir().resolveSibling(dataset.dir().getFileName() + "-token"), "t".repeat(44));
    int status = StokerCli.run("serve", "--data", dataset.dir().toString(), "--port", "0", "--bind", "0.0.0.0",
        "--token-file", token.toString());
    assertThat(status).isNotZero();
    assertThat(console.err()).contains("binding 0.0.0.0 requires --tls-cert/--tls-key and --token-file");
    assertThat(console.out()).doesNotContain("serving");
  }

  @Test
  void serve_tokenShorterThan32Bytes_exitsNonZeroSayingHowToMakeOne() throws IOException {
    Path token = Files.writeString(dataset.dir().resolveSibling(dataset.dir().getFileName() + "-short-token"), "s3cret\n");
    int status = StokerCli.run("serve", "--data", dataset.dir().toString(), "--port", "0", "--token-file", token.toString());
    assertThat(status).isNotZero();
    assertThat(console.err()).contains("holds 6 bytes; a token needs at least 32")
        .contains("head -c 32 /dev/urandom | base64");
    assertThat(console.out()).doesNotContain("serving");
  }

  @Test
  void serve_certificateWithoutKey_exitsNonZero() {
    int status = StokerCli.run("serve", "--data", dataset.dir().toString(), "--port", "0", "--tls-cert", "node.crt");
    assertThat(status).isNotZero();
    assertThat(console.err()).contains("--tls-cert and --tls-key go together");
  }

  @Test
  void serve_loopbackPortZero_printsWhereItServesAndStopsWhenInterrupted() throws Exception {
    AtomicInteger status = new AtomicInteger(-1);
    Thread serving = new Thread(() -> status.set(
        StokerCli.run("serve", "--data", dataset.dir().toString(), "--port", "0", "--workers", "1")), "serve-under-test");
    serving.start();
    Matcher line = SERVING.matcher("");
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!line.reset(console.out()).find()) {
      assertThat(System.nanoTime()).as("the serving line within 20 s; err: " + console.err()).isLessThan(deadline);
      assertThat(serving.isAlive()).as("serve still running; err: " + console.err()).isTrue();
      Thread.sleep(10);
    }
    assertThat(line.group(1)).contains(dataset.dir().toString());
    assertThat(line.group(2)).endsWith("/4");
    assertThat(line.group(3)).isEqualTo("127.0.0.1");
    try (Socket client = new Socket(line.group(3), Integer.parseInt(line.group(4)))) {
      assertThat(client.isConnected()).isTrue();
    }

    serving.interrupt();
    serving.join(20_000);
    assertThat(serving.isAlive()).isFalse();
    assertThat(status.get()).isZero();
  }
}
