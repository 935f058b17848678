package dev.stoker.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link NativeBundle}: the jar's native files copied once into a cache folder and checked there. */
class NativeBundleTest {
  @TempDir
  Path cache;

  /** A fake jar folder: a library, a dependency, a notice, and the manifest listing their checksums. */
  private static final class FakeJar implements NativeBundle.Resources {
    final Map<String, byte[]> files = new LinkedHashMap<>();
    final AtomicInteger opened = new AtomicInteger();

    FakeJar() {
      put(NativeBundle.LIBRARY, "the library");
      put("libjpeg.so.62", "libjpeg-turbo");
      put("NOTICE.txt", "notices");
      files.put(NativeBundle.MANIFEST, manifest(files));
    }

    void put(String name, String content) {
      files.put(name, content.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public java.io.InputStream open(String name) {
      byte[] bytes = files.get(name);
      if (bytes == null) {
        return null;
      }
      if (!name.equals(NativeBundle.MANIFEST)) {
        opened.incrementAndGet();
      }
      return new ByteArrayInputStream(bytes);
    }
  }

  static byte[] manifest(Map<String, byte[]> files) {
    StringBuilder text = new StringBuilder();
    files.forEach((name, bytes) -> text.append(sha256(bytes)).append("  ").append(name).append('\n'));
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void extract_emptyCache_writesEveryFileIntoAFolderNamedByTheManifest() throws IOException {
    FakeJar jar = new FakeJar();

    NativeBundle.Extracted extracted = NativeBundle.extract(jar, cache);

    assertThat(extracted.written()).containsExactly(NativeBundle.LIBRARY, "libjpeg.so.62", "NOTICE.txt");
    assertThat(extracted.reused()).isEmpty();
    String folder = sha256(jar.files.get(NativeBundle.MANIFEST)).substring(0, 16);
    assertThat(extracted.directory()).isEqualTo(cache.resolve(folder));
    assertThat(extracted.library()).hasContent("the library");
    assertThat(extracted.directory().resolve("libjpeg.so.62")).hasContent("libjpeg-turbo");
    try (var listing = Files.list(extracted.directory())) {
      assertThat(listing.map(p -> p.getFileName().toString()))
          .as("no temporary file is left behind")
          .containsExactlyInAnyOrder(NativeBundle.LIBRARY, "libjpeg.so.62", "NOTICE.txt");
    }
  }

  @Test
  void extract_secondTime_reusesFilesWithoutWriting() throws IOException {
    FakeJar jar = new FakeJar();
    NativeBundle.Extracted first = NativeBundle.extract(jar, cache);
    FileTime before = Files.getLastModifiedTime(first.library());
    Files.setLastModifiedTime(first.library(), FileTime.fromMillis(before.toMillis() - 60_000));
    jar.opened.set(0);

    NativeBundle.Extracted second = NativeBundle.extract(jar, cache);

    assertThat(second.written()).isEmpty();
    assertThat(second.reused()).containsExactly(NativeBundle.LIBRARY, "libjpeg.so.62", "NOTICE.txt");
    assertThat(jar.opened).as("no file of the jar is read again").hasValue(0);
    assertThat(Files.getLastModifiedTime(second.library()).toMillis()).isEqualTo(before.toMillis() - 60_000);
  }

  @Test
  void extract_cachedFileCorrupt_writesItAgain() throws IOException {
    FakeJar jar = new FakeJar();
    Path directory = NativeBundle.extract(jar, cache).directory();
    Files.writeString(directory.resolve("libjpeg.so.62"), "libjpeg-turbX"); // same length, one byte off
    Files.delete(directory.resolve("NOTICE.txt"));

    NativeBundle.Extracted again = NativeBundle.extract(jar, cache);

    assertThat(again.written()).containsExactly("libjpeg.so.62", "NOTICE.txt");
    assertThat(again.reused()).containsExactly(NativeBundle.LIBRARY);
    assertThat(directory.resolve("libjpeg.so.62")).hasContent("libjpeg-turbo");
    assertThat(directory.resolve("NOTICE.txt")).hasContent("notices");
  }

  @Test
  void extract_cachedFileIsALink_replacesTheLinkWithTheFile() throws IOException {
    FakeJar jar = new FakeJar();
    Path directory = NativeBundle.extract(jar, cache).directory();
    Path elsewhere = Files.writeString(cache.resolve("elsewhere"), "libjpeg-turbo");
    Files.delete(directory.resolve("libjpeg.so.62"));
    Files.createSymbolicLink(directory.resolve("libjpeg.so.62"), elsewhere);

    NativeBundle.Extracted again = NativeBundle.extract(jar, cache);

    assertThat(again.written()).containsExactly("libjpeg.so.62");
    assertThat(Files.isSymbolicLink(directory.resolve("libjpeg.so.62"))).isFalse();
    assertThat(elsewhere).hasContent("libjpeg-turbo");
  }

  @Test
  void extract_jarFileDoesNotMatchManifest_failsNamingTheFileAndLeavesNothing() throws IOException {
    FakeJar jar = new FakeJar();
    jar.put("libjpeg.so.62", "tampered"); // the manifest still has the old checksum

    assertThatThrownBy(() -> NativeBundle.extract(jar, cache))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("libjpeg.so.62")
        .hasMessageContaining("SHA-256");
    try (var files = Files.walk(cache)) {
      assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
          .doesNotContain("libjpeg.so.62")
          .noneMatch(name -> name.endsWith(".tmp"));
    }
  }

  @Test
  void extract_jarWithoutManifest_saysTheJarHasNoNativeDecoder() {
    FakeJar jar = new FakeJar();
    jar.files.remove(NativeBundle.MANIFEST);

    assertThatThrownBy(() -> NativeBundle.extract(jar, cache))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no native image decoder")
        .hasMessageContaining("-Dstoker.native.skip");
  }

  @Test
  void extract_jarLacksAListedFile_failsNamingIt() {
    FakeJar jar = new FakeJar();
    jar.files.remove("NOTICE.txt");

    assertThatThrownBy(() -> NativeBundle.extract(jar, cache))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("lacks NOTICE.txt");
  }

  @Test
  void parse_nameWithPathOrBadChecksum_isRefused() {
    String good = "0".repeat(64) + "  " + NativeBundle.LIBRARY + "\n";
    assertThat(NativeBundle.parse(good.getBytes(StandardCharsets.UTF_8))).hasSize(1);
    for (String bad : List.of("0".repeat(64) + "  ../evil.so", "0".repeat(64) + "  sub/lib.so", "0".repeat(63) + "  x",
        "0".repeat(64) + " x")) {
      assertThatThrownBy(() -> NativeBundle.parse((good + bad).getBytes(StandardCharsets.UTF_8)))
          .as(bad)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("malformed");
    }
    assertThatThrownBy(() -> NativeBundle.parse(("0".repeat(64) + "  other.so\n").getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("does not list " + NativeBundle.LIBRARY);
  }

  @Test
  void extract_manyThreadsAtOnce_eachGetsTheWholeVerifiedFiles() throws Exception {
    FakeJar jar = new FakeJar();
    jar.put(NativeBundle.LIBRARY, "x".repeat(3 * 1024 * 1024)); // several buffers long
    jar.files.remove(NativeBundle.MANIFEST);
    jar.files.put(NativeBundle.MANIFEST, manifest(jar.files));
    int threads = 8;
    CyclicBarrier start = new CyclicBarrier(threads);
    List<Future<NativeBundle.Extracted>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      for (int i = 0; i < threads; i++) {
        results.add(pool.submit(() -> {
          start.await();
          return NativeBundle.extract(jar, cache);
        }));
      }
      for (Future<NativeBundle.Extracted> result : results) {
        NativeBundle.Extracted extracted = result.get();
        assertThat(sha256(Files.readAllBytes(extracted.library())))
            .isEqualTo(sha256(jar.files.get(NativeBundle.LIBRARY)));
      }
    }
    try (var listing = Files.list(results.getFirst().get().directory())) {
      assertThat(listing.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
    }
  }

  @Test
  void platform_linuxAmd64_isTheBundledOne() {
    assertThat(NativeBundle.platform("Linux", "amd64")).isEqualTo("linux-x86_64");
    assertThat(NativeBundle.platform("Linux", "x86_64")).isEqualTo("linux-x86_64");
  }

  @Test
  void platform_otherOsOrArch_reasonNamesThePlatform() {
    assertThatThrownBy(() -> NativeBundle.platform("Mac OS X", "aarch64"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no native image decoder for mac os x/aarch64 (built for linux-x86_64 only)");
    assertThatThrownBy(() -> NativeBundle.platform("Linux", "aarch64"))
        .hasMessageContaining("linux/aarch64");
    assertThatThrownBy(() -> NativeBundle.platform("Windows 11", "amd64"))
        .hasMessageContaining("windows 11/amd64");
  }

  @Test
  void cacheRoot_propertyThenEnvironmentThenXdgThenHome() {
    Path home = Path.of("/home/u");
    assertThat(NativeBundle.cacheRoot("/p", Map.of("STOKER_NATIVE_CACHE", "/e", "XDG_CACHE_HOME", "/x"), "/home/u"))
        .isEqualTo(Path.of("/p"));
    assertThat(NativeBundle.cacheRoot(null, Map.of("STOKER_NATIVE_CACHE", "/e", "XDG_CACHE_HOME", "/x"), "/home/u"))
        .isEqualTo(Path.of("/e"));
    assertThat(NativeBundle.cacheRoot("", Map.of("XDG_CACHE_HOME", "/x"), "/home/u"))
        .isEqualTo(Path.of("/x/stoker/native"));
    assertThat(NativeBundle.cacheRoot(null, Map.of("XDG_CACHE_HOME", "relative"), "/home/u"))
        .as("a relative XDG_CACHE_HOME is ignored")
        .isEqualTo(home.resolve(".cache/stoker/native"));
    assertThat(NativeBundle.cacheRoot(null, Map.of(), "/home/u")).isEqualTo(home.resolve(".cache/stoker/native"));
  }

  @Test
  void jarResources_thisBuild_manifestListsTheLibraryAndItsDependencies() throws IOException {
    NativeTestSupport.nativeOrSkip();
    try (var in = NativeBundle.jarResources(NativeBundle.LINUX_X86_64).open(NativeBundle.MANIFEST)) {
      assertThat(in).as("the build's manifest").isNotNull();
      List<String> names = NativeBundle.parse(in.readAllBytes()).stream().map(NativeBundle.Entry::name).toList();
      assertThat(names).contains(NativeBundle.LIBRARY, "libjpeg.so.62", "libpng16.so.16", "libz.so.1", "NOTICE.txt",
          "LICENSE.libjpeg.txt", "LICENSE.libpng16.txt", "LICENSE.libz.txt");
      if (NativeImageLibrary.get().pngReader().equals("libdeflate")) {
        assertThat(names).as("the PNG reader's inflate library").contains("libdeflate.so.0", "LICENSE.libdeflate.txt");
      } else {
        assertThat(names).doesNotContain("libdeflate.so.0");
      }
    }
  }
}
