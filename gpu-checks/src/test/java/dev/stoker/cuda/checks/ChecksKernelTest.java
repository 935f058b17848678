package dev.stoker.cuda.checks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.cuda.internal.CudaModule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The checks' kernel image is packaged next to the checks and made from the current {@code checks.cu}. */
class ChecksKernelTest {
  /** What nvcc writes first in a fatbin: the magic 0xBA55ED50, little-endian. */
  private static final byte[] FATBIN_MAGIC = {0x50, (byte) 0xED, 0x55, (byte) 0xBA};
  private static final Path SOURCE = Path.of(System.getProperty("basedir", ".")).resolve("src/main/cuda/checks.cu");

  @Test
  void checksFatbin_packaged_isAFatbinMadeFromTheCurrentSource() throws Exception {
    byte[] image = CudaModule.resourceBytes(FeedChecks.class, "checks.fatbin");
    String recorded = new String(CudaModule.resourceBytes(FeedChecks.class, "checks.fatbin.sha256"),
        StandardCharsets.US_ASCII).strip();
    String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(SOURCE)));

    assertThat(image).hasSizeGreaterThan(FATBIN_MAGIC.length).startsWith(FATBIN_MAGIC);
    assertThat(recorded).as("checks.cu changed; run scripts/build-kernels.sh").isEqualTo(actual);
  }

  @Test
  void checksFatbin_holdsTheSpinKernel() {
    String image = new String(CudaModule.resourceBytes(FeedChecks.class, "checks.fatbin"), StandardCharsets.ISO_8859_1);

    assertThat(image).contains("stoker_spin");
  }
}
