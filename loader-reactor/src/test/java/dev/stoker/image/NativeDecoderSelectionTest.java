package dev.stoker.image;

import dev.stoker.decode.ImageDecoders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ImageDecoders} picks the native decoder where it loads and checks its arguments. */
class NativeDecoderSelectionTest {
  @Test
  void best_nativeLibraryLoads_returnsNativeDecoder() {
    NativeTestSupport.nativeOrSkip();
    assertThat(ImageDecoders.best().name()).isEqualTo("libjpeg-turbo");
    assertThat(ImageDecoders.best(1000, true).name()).isEqualTo("libjpeg-turbo");
  }

  @Test
  void best_nativeLibraryAbsent_fallsBackToImageIo() {
    org.junit.jupiter.api.Assumptions.assumeTrue(NativeImageLibrary.unavailableReason() != null, "library present");
    assertThat(ImageDecoders.best().name()).isEqualTo("imageio");
    assertThatThrownBy(ImageDecoders::nativeDecoder)
        .isInstanceOf(dev.stoker.api.LoaderException.class)
        .hasMessageContaining("native image decoder unavailable");
  }

  @Test
  void nativeDecoder_maxPixelsNotPositive_throwsNamingParameter() {
    assertThatThrownBy(() -> ImageDecoders.nativeDecoder(0, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxPixels");
    assertThatThrownBy(() -> ImageDecoders.best(-1, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxPixels");
  }

  @Test
  void open_fileIsNotALibrary_reasonHasTheDynamicLinkersWords(@TempDir Path tmp) throws IOException {
    Path file = Files.writeString(tmp.resolve("libstokerimage.so"), "not an ELF file");

    assertThatThrownBy(() -> NativeImageLibrary.open(file))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("cannot load " + file + ": ")
        .hasMessageContaining("libstokerimage.so: ")   // dlerror() names the file, then what is wrong with it
        .hasMessageNotContaining("Cannot open library");
  }

  @Test
  void nativeLibrary_resourcePresent_loads() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        NativeImageLibrary.class.getResource(NativeImageLibrary.RESOURCE) != null, "library not built");
    assertThat(NativeImageLibrary.unavailableReason()).isNull();
  }
}
