package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.stoker.api.ImageDecoder;
import dev.stoker.dataset.ImageFolderSource;
import dev.stoker.decode.ImageDecoders;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failed sample's text (what a node puts in a FAILED frame, what {@code --failures} and the logs
 * show) says what was wrong without any of the file's bytes: a dataset may name a file that is not
 * an image at all (a key, a password file), and its first bytes must not travel.
 */
class FailureTextTest {
  /** A distinctive marker at the start of each file: the first bytes a message could quote. */
  private static final String MARKER = "SECRETMARKER-7f3a9c-private-key-material";

  @TempDir
  Path dir;

  private static List<ImageDecoder> decoders() {
    List<ImageDecoder> decoders = new ArrayList<>();
    decoders.add(ImageDecoders.imageIo());
    try {
      decoders.add(ImageDecoders.nativeDecoder());
    } catch (RuntimeException e) {
      // no native library on this machine: ImageIO alone
    }
    return decoders;
  }

  /** The forms a message could carry the marker's first bytes in: text, and hex in common spellings. */
  private static List<String> leaks() {
    byte[] head = MARKER.substring(0, 8).getBytes(StandardCharsets.US_ASCII);
    HexFormat spaced = HexFormat.ofDelimiter(" ");
    List<String> forms = new ArrayList<>(List.of(MARKER.substring(0, 6), spaced.formatHex(head, 0, 4),
        HexFormat.of().formatHex(head, 0, 4), HexFormat.ofDelimiter(" ").withPrefix("0x").formatHex(head, 0, 2)));
    forms.add(spaced.formatHex(head, 0, 4).toUpperCase(Locale.ROOT));
    return forms;
  }

  @Test
  void process_fileThatIsNotAnImage_failureNamesFileAndReasonWithoutItsBytes() throws IOException {
    Path cls = Files.createDirectories(dir.resolve("data/cls"));
    Files.writeString(cls.resolve("notes.jpg"), MARKER + "\nline two of a text file\n");
    Files.writeString(cls.resolve("notes.png"), MARKER + " ".repeat(5000));
    ImageFolderSource source = ImageFolderSource.open(dir.resolve("data"));

    for (ImageDecoder decoder : decoders()) {
      SampleMaker maker = Loader.builder().source(source).transforms(Presets.imagenetTrain(32)).decoder(decoder)
          .seed(1).buildMaker();
      for (int i = 0; i < source.size(); i++) {
        Throwable failure;
        try (Arena arena = Arena.ofConfined()) {
          int index = i;
          failure = catchThrowable(() -> maker.process(0, index, arena.allocate(maker.sampleBytes())));
        }

        assertThat(failure).as(decoder + " on " + source.sourceName(i)).isNotNull();
        String text = failure.getMessage();
        assertThat(text).as(decoder.toString()).contains(source.sourceName(i))
            .containsAnyOf("not a JPEG or PNG", "not a recognised image format");
        for (String leak : leaks()) {
          assertThat(text).as(decoder + " on " + source.sourceName(i)).doesNotContainIgnoringCase(leak);
        }
      }
    }
  }
}
