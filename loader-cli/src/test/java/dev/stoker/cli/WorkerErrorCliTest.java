package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reproduction, as a user runs it: a 9000 x 9000 JPEG among small ones, ImageIO and a
 * 128 MiB heap. The decode worker's {@link OutOfMemoryError} ends the run with one line naming it
 * and a non-zero status; before, the warm-up line repeated every 5 s until the process was killed.
 */
class WorkerErrorCliTest {
  @TempDir
  Path tmp;

  @Test
  void bench_hugeImageOnASmallHeap_exitsNonZeroWithOneLineNamingOutOfMemoryError() throws Exception {
    Path data = tmp.resolve("data");
    Path cls = Files.createDirectories(data.resolve("only"));
    for (int i = 0; i < 6; i++) {
      BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
      image.setRGB(i, 3, 0xff8040);
      ImageIO.write(image, "jpg", cls.resolve(i + ".jpg").toFile());
    }
    ImageIO.write(new BufferedImage(9000, 9000, BufferedImage.TYPE_BYTE_GRAY), "jpg", cls.resolve("huge.jpg").toFile());
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.add("-Xmx128m");
    command.addAll(ModularLaunchTest.launcherFlags());
    command.addAll(List.of("--module-path", modulePath(), "-m", "dev.stoker.cli/dev.stoker.cli.StokerCli",
        "bench", data.toString(), "--decoder", "imageio", "--epochs", "1", "--batch", "2", "--size", "32",
        "--threads", "2"));
    Path log = tmp.resolve("out.txt");

    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean exited = process.waitFor(120, TimeUnit.SECONDS);   // a hang guard, not a speed target
    if (!exited) {
      process.destroyForcibly();
    }
    String output = Files.readString(log);

    assertThat(exited).as("the run hung: %s", output).isTrue();
    assertThat(process.exitValue()).as(output).isEqualTo(1);
    assertThat(output.lines().filter(l -> l.startsWith("stoker: "))).as(output).singleElement().asString()
        .contains("OutOfMemoryError").contains("huge.jpg");
    assertThat(output).as("no stack trace").doesNotContain("\tat ");
  }

  /** loader-cli's own classes (an exploded module) and its runtime dependencies. */
  private static String modulePath() {
    return String.join(File.pathSeparator, Stream.concat(Stream.of(Path.of("target", "classes")),
        RuntimeModulePath.entries().stream()).map(Path::toString).toList());
  }
}
