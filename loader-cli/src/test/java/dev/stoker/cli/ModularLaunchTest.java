package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI started as the {@code stoker} launchers start it: on the module path, with the
 * {@code --enable-native-access} and {@code --sun-misc-unsafe-memory-access} flags of the launchers'
 * one options file ({@code distribution/src/main/launcher/jvm.options}, read here) and JCuda's natives
 * patched into the {@code jcuda} module. A module that is missing, not
 * readable, not opened to picocli or calling a restricted method without native access shows here as
 * a failure or a {@code WARNING} line.
 */
class ModularLaunchTest {
  private static final Path OPTIONS = Path.of("..", "distribution", "src", "main", "launcher", "jvm.options");
  /** The repository's ./stoker and the distribution archive's bin/stoker: both read {@link #OPTIONS}. */
  private static final List<Path> LAUNCHERS = List.of(Path.of("..", "stoker"),
      Path.of("..", "distribution", "src", "main", "launcher", "stoker"));
  private static final Pattern ANY_JVM_FLAG = Pattern.compile("(--enable-native-access|--sun-misc-unsafe-memory-access"
      + "|--patch-module|-XX:|-Dreactor\\.)");
  private static final Pattern FLAG = Pattern.compile("--(enable-native-access|sun-misc-unsafe-memory-access)=\\S+");

  @TempDir
  Path tmp;

  /** The launchers' JVM flags that decide what warns at start. */
  static List<String> launcherFlags() throws Exception {
    List<String> flags = new ArrayList<>();
    for (String line : Files.readAllLines(OPTIONS)) {
      Matcher m = FLAG.matcher(line);
      while (!line.strip().startsWith("#") && m.find()) {
        flags.add(m.group());
      }
    }
    return flags;
  }

  @Test
  void launcherFlags_nameTheModulesThatNeedNativeAccess() throws Exception {
    assertThat(launcherFlags()).containsExactly(
        "--enable-native-access=dev.stoker.reactor,dev.stoker.cuda,jcuda,io.netty.common,com.github.luben.zstd_jni",
        "--sun-misc-unsafe-memory-access=allow");
  }

  @Test
  void launchers_readTheOneOptionsFile_andNameNoJvmFlagOfTheirOwn() throws Exception {
    for (Path launcher : LAUNCHERS) {
      List<String> code = Files.readAllLines(launcher).stream().filter(l -> !l.strip().startsWith("#")).toList();

      assertThat(code).as(launcher + " reads the options file").anyMatch(l -> l.contains("jvm.options\""));
      assertThat(code).as(launcher + " names no JVM flag itself").noneMatch(l -> ANY_JVM_FLAG.matcher(l).find());
    }
  }

  @Test
  void demo_onTheModulePath_runsWithoutWarnings() throws Exception {
    Path data = tmp.resolve("data");
    for (String name : List.of("cat/1.jpg", "cat/2.jpg", "dog/1.jpg", "dog/2.jpg")) {
      Files.createDirectories(data.resolve(name).getParent());
      BufferedImage image = new BufferedImage(48, 40, BufferedImage.TYPE_INT_RGB);
      image.setRGB(name.length() % 48, 3, 0xff8040);
      ImageIO.write(image, "jpg", data.resolve(name).toFile());
    }
    Path javaTmp = Files.createDirectories(tmp.resolve("java-tmp"));   // JCuda extracts its natives afresh
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.addAll(launcherFlags());
    command.add("-Djava.io.tmpdir=" + javaTmp);
    command.addAll(List.of("--module-path", modulePath(), "--patch-module", "jcuda=" + RuntimeModulePath.entry("jcuda-natives"),
        "-m", "dev.stoker.cli/dev.stoker.cli.StokerCli",
        "demo", data.toString(), "--epochs", "1", "--batch", "2", "--size", "32", "--threads", "1"));
    Path log = tmp.resolve("out.txt");

    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean exited = process.waitFor(120, TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly();
    }
    String output = Files.readString(log);

    assertThat(exited).as(output).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("delivered + failed = 4 of 4")
        .doesNotContain("WARNING")
        .doesNotContain("JCuda natives cannot be loaded");
  }

  @Test
  void serve_onTheModulePath_servesPrometheusTextAndLogsAtTheLevelAsked() throws Exception {
    Path data = tmp.resolve("data");
    for (String name : List.of("cat/1.jpg", "dog/1.jpg")) {
      Files.createDirectories(data.resolve(name).getParent());
      ImageIO.write(new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB), "jpg", data.resolve(name).toFile());
    }
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.addAll(launcherFlags());
    command.addAll(List.of("--module-path", modulePath(), "--patch-module", "jcuda=" + RuntimeModulePath.entry("jcuda-natives"),
        "-m", "dev.stoker.cli/dev.stoker.cli.StokerCli",
        "serve", "--data", data.toString(), "--port", "0", "--workers", "1", "--metrics-port", "0", "--log-level", "debug"));
    Path log = tmp.resolve("serve.txt");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      Pattern address = Pattern.compile("serve: metrics on (http://127\\.0\\.0\\.1:\\d+/metrics)");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      Matcher m = address.matcher("");
      while (!m.reset(Files.readString(log)).find() || !Files.readString(log).contains("serving ")) {
        assertThat(process.isAlive()).as(Files.readString(log)).isTrue();
        assertThat(System.nanoTime()).as(Files.readString(log)).isLessThan(deadline);
        Thread.sleep(50);
      }
      java.net.http.HttpResponse<String> scrape = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create(m.group(1))).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      String output = Files.readString(log);
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.body()).containsPattern("(?m)^stoker_node_connections_total 0(\\.0)?$")
          .containsPattern("(?m)^stoker_node_samples_total 0(\\.0)?$");
      assertThat(output).as("DataNode's debug line, shown at --log-level debug")
          .contains("DEBUG dev.stoker.remote.node.DataNode - serving")
          .doesNotContain("WARNING");
    } finally {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void serve_onTheModulePath_sigtermDrainsAndExitsZero() throws Exception {
    Path data = tmp.resolve("data");
    for (String name : List.of("cat/1.jpg", "dog/1.jpg")) {
      Files.createDirectories(data.resolve(name).getParent());
      ImageIO.write(new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB), "jpg", data.resolve(name).toFile());
    }
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.addAll(launcherFlags());
    command.addAll(List.of("--module-path", modulePath(), "--patch-module", "jcuda=" + RuntimeModulePath.entry("jcuda-natives"),
        "-m", "dev.stoker.cli/dev.stoker.cli.StokerCli",
        "serve", "--data", data.toString(), "--port", "0", "--workers", "1", "--admin-port", "0", "--drain-grace", "20s"));
    Path log = tmp.resolve("serve-term.txt");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      Pattern probes = Pattern.compile("serve: probes on (http://127\\.0\\.0\\.1:\\d+)/healthz");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      Matcher m = probes.matcher("");
      while (!m.reset(Files.readString(log)).find() || !Files.readString(log).contains("serving ")) {
        assertThat(process.isAlive()).as(Files.readString(log)).isTrue();
        assertThat(System.nanoTime()).as(Files.readString(log)).isLessThan(deadline);
        Thread.sleep(50);
      }
      java.net.http.HttpResponse<String> ready = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create(m.group(1) + "/readyz")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(200);

      process.destroy(); // SIGTERM
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(Files.readString(log)).isTrue();
      String output = Files.readString(log);
      assertThat(process.exitValue()).as("drained, not killed (143): " + output).isZero();
      assertThat(output).contains("serve: SIGTERM: draining within 20000 ms").doesNotContain("WARNING");
    } finally {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** loader-cli's own classes (an exploded module) and its runtime dependencies. */
  private static String modulePath() {
    return String.join(File.pathSeparator, Stream.concat(Stream.of(Path.of("target", "classes")),
        RuntimeModulePath.entries().stream()).map(Path::toString).toList());
  }
}
