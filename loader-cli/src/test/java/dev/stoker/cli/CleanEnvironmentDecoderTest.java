package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stoker.decode.ImageDecoders;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native decoder out of loader-reactor's jar on a machine that offers nothing but the JDK and
 * glibc: a child JVM started through {@code env -i} (no {@code LD_LIBRARY_PATH}, a {@code PATH}
 * that names nothing) decodes with libjpeg-turbo, and the libjpeg and libpng mapped into it are the
 * copies in the decoder's cache folder, not the system's.
 */
class CleanEnvironmentDecoderTest {
  @TempDir
  Path tmp;

  @Test
  void decoder_namesTheReasonWhenImageIoStandsIn() {
    assertThat(Summaries.decoder("imageio", "no native image decoder for linux/aarch64"))
        .isEqualTo("imageio (native decoder unavailable: no native image decoder for linux/aarch64)");
    assertThat(Summaries.decoder("libjpeg-turbo", null)).isEqualTo("libjpeg-turbo");
    assertThat(Summaries.decoder("imageio", null)).isEqualTo("imageio");
  }

  @Test
  void childJvm_emptyEnvironment_decodesWithBundledLibjpegTurboFromTheCache() throws Exception {
    assumeNativeBuilt();
    Path cache = tmp.resolve("cache");

    List<String> output = runChild(cache);

    assertThat(output).as("child output").contains("decoder: libjpeg-turbo");
    List<String> maps = output.stream().filter(l -> l.startsWith("map: ")).map(l -> l.substring(5)).toList();
    String cacheDir = cache.toRealPath().toString() + "/";
    for (String library : List.of("libstokerimage.so", "libjpeg.so.62", "libpng16.so.16")) {
      List<String> mapped = maps.stream().filter(m -> m.endsWith("/" + library)).distinct().toList();
      assertThat(mapped).as(library + " mapped from").isNotEmpty().allMatch(m -> m.startsWith(cacheDir), "in " + cacheDir);
    }
    assertThat(maps).as("no system libjpeg or libpng").noneMatch(m -> m.matches("/(usr/)?lib.*/lib(jpeg|png).*"));
  }

  @Test
  void childJvm_ldLibraryPathOffersOtherCopies_stillMapsTheCachedOnes() throws Exception {
    assumeNativeBuilt();
    Path cache = tmp.resolve("cache");
    runChild(cache);
    // decoys: the same libraries under another folder, named by LD_LIBRARY_PATH; DT_RPATH comes first
    Path decoys = Files.createDirectories(tmp.resolve("decoys"));
    try (Stream<Path> bundle = Files.list(cache).flatMap(CleanEnvironmentDecoderTest::list)) {
      for (Path file : bundle.filter(f -> f.getFileName().toString().matches("lib(jpeg|png16|z)\\.so.*")).toList()) {
        Files.copy(file, decoys.resolve(file.getFileName()));
      }
    }
    assertThat(decoys.resolve("libjpeg.so.62")).exists();

    List<String> output = runChild(cache, "LD_LIBRARY_PATH=" + decoys);

    assertThat(output).contains("decoder: libjpeg-turbo");
    String cacheDir = cache.toRealPath() + "/";
    assertThat(output.stream().filter(l -> l.startsWith("map: ") && l.matches(".*/lib(jpeg|png16)\\.so.*")))
        .isNotEmpty()
        .allMatch(l -> l.startsWith("map: " + cacheDir), "from " + cacheDir)
        .noneMatch(l -> l.contains(decoys.toString()));
  }

  private static Stream<Path> list(Path directory) {
    try (Stream<Path> files = Files.list(directory)) {
      return files.toList().stream();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void childJvm_otherArchitecture_saysWhyItDecodesWithImageIo() throws Exception {
    // the negative control: the same child, told it runs on aarch64, finds no bundle for it
    List<String> output = runChild(tmp.resolve("cache"), "-Dos.arch=aarch64");

    assertThat(output).as("child output").contains("decoder: imageio (native decoder unavailable: no native image "
        + "decoder for linux/aarch64 (built for linux-x86_64 only))");
    assertThat(output).noneMatch(l -> l.startsWith("map: ") && l.contains("libstokerimage"));
  }

  /** The test runs where the build made the bundle: linux-x86_64, not built with -Dstoker.native.skip. */
  private static void assumeNativeBuilt() {
    assumeTrue(System.getProperty("os.name").toLowerCase().startsWith("linux")
        && System.getProperty("os.arch").equals("amd64"), "the native decoder is built for linux-x86_64 only");
    assumeTrue(!Boolean.getBoolean("stoker.native.skip"), "built with -Dstoker.native.skip");
    assertThat(ImageDecoders.nativeUnavailableReason()).as("the native decoder in this JVM").isEmpty();
  }

  /** Runs the main in an empty environment; {@code NAME=VALUE} arguments go into it, the others are JVM options. */
  private List<String> runChild(Path cache, String... extra) throws Exception {
    Path reactor = RuntimeModulePath.entry("loader-reactor");
    List<String> classPath = new ArrayList<>(RuntimeModulePath.entries().stream().map(Path::toString).toList());
    classPath.add(Path.of("target", "classes").toAbsolutePath().toString());
    classPath.add(Path.of("target", "test-classes").toAbsolutePath().toString());
    List<String> command = new ArrayList<>(List.of("env", "-i", "PATH=/nonexistent"));
    Stream.of(extra).filter(a -> !a.startsWith("-")).forEach(command::add);
    command.addAll(List.of(ProcessHandle.current().info().command().orElseThrow(), "--enable-native-access=ALL-UNNAMED",
        "-Dstoker.native.cache=" + cache, "-Djava.io.tmpdir=" + tmp));
    Stream.of(extra).filter(a -> a.startsWith("-")).forEach(command::add);
    command.addAll(List.of("-cp", String.join(File.pathSeparator, classPath), CleanEnvironmentDecoderMain.class.getName()));
    Path log = tmp.resolve("child.txt");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean exited = process.waitFor(60, TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly();
    }
    String text = Files.readString(log);
    assertThat(exited).as(text).isTrue();
    assertThat(process.exitValue()).as(text).isZero();
    System.out.println("decoder from " + reactor + " in an empty environment:\n" + text);
    try (Stream<String> lines = text.lines()) {
      return lines.toList();
    }
  }
}
