package dev.stoker.cuda.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every kernel source under {@code src/main/cuda} is packaged as a fatbin built from its current
 * text: a {@code .cu} edited without re-running {@code scripts/build-kernels.sh} fails the build.
 */
class KernelResourcesTest {
  /** What nvcc writes first in a fatbin: the magic 0xBA55ED50, little-endian. */
  private static final byte[] FATBIN_MAGIC = {0x50, (byte) 0xED, 0x55, (byte) 0xBA};

  private static Path cudaSources() {
    // Surefire runs in the module directory and also passes it as "basedir".
    return Path.of(System.getProperty("basedir", ".")).resolve("src/main/cuda");
  }

  private static List<Path> kernelSources() throws IOException {
    try (Stream<Path> files = Files.list(cudaSources())) {
      return files.filter(f -> f.getFileName().toString().endsWith(".cu")).sorted().toList();
    }
  }

  private static String name(Path cu) {
    String file = cu.getFileName().toString();
    return file.substring(0, file.length() - ".cu".length());
  }

  private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void kernelSources_includeNormalize() throws IOException {
    assertThat(kernelSources()).extracting(KernelResourcesTest::name).contains("normalize");
  }

  @Test
  void everyKernelSource_hasAFatbinBuiltFromItsCurrentText() throws Exception {
    for (Path cu : kernelSources()) {
      String recorded = new String(CudaModule.resourceBytes(name(cu) + ".fatbin.sha256"), StandardCharsets.US_ASCII)
          .strip();

      assertThat(recorded).as("%s.fatbin.sha256 (stale: run scripts/build-kernels.sh)", name(cu))
          .isEqualTo(sha256(Files.readAllBytes(cu)));
    }
  }

  @Test
  void everyKernelSource_hasAFatbinStartingWithTheFatbinMagic() throws IOException {
    for (Path cu : kernelSources()) {
      byte[] fatbin = CudaModule.resourceBytes(name(cu) + ".fatbin");

      assertThat(fatbin).as("%s.fatbin", name(cu)).hasSizeGreaterThan(FATBIN_MAGIC.length).startsWith(FATBIN_MAGIC);
    }
  }

  @Test
  void normalizeKernels_kernelNames_areInTheFatbin() {
    // The fatbin's ELF symbol tables carry the extern "C" names as plain text.
    String image = new String(CudaModule.resourceBytes(NormalizeKernels.RESOURCE), StandardCharsets.ISO_8859_1);

    assertThat(NormalizeKernels.KERNELS).hasSize(3).allSatisfy(kernel -> assertThat(image).contains(kernel));
  }

  @Test
  void kernelPreflight_coversEveryKernelOfEverySource() throws IOException {
    java.util.Map<String, List<String>> declared = new java.util.TreeMap<>();
    java.util.regex.Pattern kernel = java.util.regex.Pattern.compile("extern \"C\" __global__ void (\\w+)\\(");
    for (Path cu : kernelSources()) {
      java.util.regex.Matcher m = kernel.matcher(Files.readString(cu));
      List<String> names = new java.util.ArrayList<>();
      while (m.find()) {
        names.add(m.group(1));
      }
      declared.put(name(cu) + ".fatbin", names.stream().sorted().toList());
    }
    java.util.Map<String, List<String>> preflighted = new java.util.TreeMap<>();
    for (KernelPreflight.Module module : KernelPreflight.MODULES) {
      preflighted.put(module.resource(), module.kernels().stream().sorted().toList());
    }

    assertThat(preflighted).as("what the CUDA probe loads and looks up").isEqualTo(declared);
  }
}
