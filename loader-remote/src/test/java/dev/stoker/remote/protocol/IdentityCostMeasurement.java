package dev.stoker.remote.protocol;

import dev.stoker.api.SampleSource;
import dev.stoker.dataset.ImageFolderSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Not a test: measures what a node's dataset identity costs at start on an image folder, the
 * identity before issue 21 (every sample's full path and label) against {@link DatasetIdentity}
 * now (relative names, labels, boxes, and 32 sampled files read), in one JVM, each three times.
 * Numbers in docs/remote-identity.md.
 *
 * <pre>{@code
 * java -cp loader-api/target/classes:loader-reactor/target/classes:loader-remote/target/classes:\
 * loader-remote/target/test-classes dev.stoker.remote.protocol.IdentityCostMeasurement /data/train
 * }</pre>
 */
public final class IdentityCostMeasurement {
  private IdentityCostMeasurement() {}

  /**
   * Lists the folder, then times both identities.
   *
   * @param args the image folder
   * @throws Exception if the folder cannot be listed
   */
  public static void main(String[] args) throws Exception {
    long t0 = System.nanoTime();
    SampleSource source = ImageFolderSource.open(Path.of(args[0]));
    System.out.printf("listed %,d samples in %.2f s%n", source.size(), (System.nanoTime() - t0) / 1e9);
    for (int round = 1; round <= 3; round++) {
      long a = System.nanoTime();
      String before = pathIdentity(source);
      long b = System.nanoTime();
      String now = DatasetIdentity.of(source);
      long c = System.nanoTime();
      System.out.printf("round %d: by path (before) %.3f s %s; by content (now) %.3f s %s%n", round, (b - a) / 1e9,
          before, (c - b) / 1e9, now);
    }
  }

  /** The identity before issue 21, as it was: size, boxes flag, classes, each sample's path and label. */
  static String pathIdentity(SampleSource source) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update(("stoker-dataset-v1\n" + source.size() + "\n" + source.hasBoxes() + "\n")
        .getBytes(StandardCharsets.UTF_8));
    for (String c : source.classes()) {
      sha.update((c + "\n").getBytes(StandardCharsets.UTF_8));
    }
    sha.update("--\n".getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < source.size(); i++) {
      sha.update((source.sourceName(i) + "\t" + source.label(i) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return "sha256:" + HexFormat.of().formatHex(sha.digest()).substring(0, 24) + "/" + source.size();
  }
}
