package dev.stoker.cli;

import dev.stoker.api.ImageDecoder;
import dev.stoker.decode.ImageDecoders;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run by {@link CleanEnvironmentDecoderTest} in a child JVM with an empty environment: picks the
 * decoder as the CLI does and prints {@code decoder: NAME} as the CLI's summaries word it, then the
 * lines of {@code /proc/self/maps} that map libjpeg, libpng, zlib or libstokerimage, prefixed
 * {@code map: }, so that the test sees which files the dynamic linker took.
 */
final class CleanEnvironmentDecoderMain {
  private CleanEnvironmentDecoderMain() {}

  public static void main(String[] args) throws Exception {
    ImageDecoder decoder = ImageDecoders.best();
    System.out.println("decoder: " + Summaries.decoder(decoder.name()));
    for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
      if (line.matches(".*/(libjpeg|libpng|libz|libstokerimage)[^/]*$")) {
        System.out.println("map: " + line.substring(line.indexOf('/')));
      }
    }
  }
}
