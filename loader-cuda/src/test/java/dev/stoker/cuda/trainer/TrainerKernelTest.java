package dev.stoker.cuda.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.cuda.internal.CudaModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The trainer's kernel image is packaged, made from the current source, and agrees with the Java launch code. */
class TrainerKernelTest {
  private static final Path SOURCE = Path.of("src/main/cuda/trainer.cu");

  @Test
  void fatbin_packaged_matchesSourceDigest() throws IOException, NoSuchAlgorithmException {
    byte[] image = CudaModule.resourceBytes("trainer.fatbin");
    String recorded = new String(CudaModule.resourceBytes("trainer.fatbin.sha256"), StandardCharsets.US_ASCII).strip();
    String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(SOURCE)));

    assertThat(image).isNotEmpty();
    assertThat(recorded).as("trainer.cu changed; run scripts/build-kernels.sh").isEqualTo(actual);
  }

  @Test
  void source_definesEveryKernelAndThePoolBlockSize() throws IOException {
    String source = Files.readString(SOURCE);

    assertThat(source).contains("extern \"C\" __global__ void stoker_pool(",
        "extern \"C\" __global__ void stoker_softmax_grad(", "extern \"C\" __global__ void stoker_sgd(",
        "#define STOKER_POOL_THREADS " + TrainerDevice.POOL_THREADS + "\n");
  }
}
