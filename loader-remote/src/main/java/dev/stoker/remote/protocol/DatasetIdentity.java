package dev.stoker.remote.protocol;

import dev.stoker.api.SampleSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A short fingerprint of a dataset: its size, classes, whether it has boxes, and each sample's
 * name and label, hashed with SHA-256. Two nodes serving the same files in the same layout have
 * the same identity; a client refuses a node whose identity differs from the one it expects.
 *
 * <pre>{@code
 * String id = DatasetIdentity.of(ImageFolderSource.open(root));   // "sha256:9f2c.../1281167"
 * }</pre>
 */
public final class DatasetIdentity {
  private DatasetIdentity() {}

  /** {@code sha256:<first 24 hex digits>/<size>}. */
  public static String of(SampleSource source) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    update(sha, "stoker-dataset-v1\n" + source.size() + "\n" + source.hasBoxes() + "\n");
    for (String c : source.classes()) {
      update(sha, c + "\n");
    }
    update(sha, "--\n");
    for (int i = 0; i < source.size(); i++) {
      update(sha, source.sourceName(i) + "\t" + source.label(i) + "\n");
    }
    return "sha256:" + HexFormat.of().formatHex(sha.digest()).substring(0, 24) + "/" + source.size();
  }

  private static void update(MessageDigest sha, String text) {
    sha.update(text.getBytes(StandardCharsets.UTF_8));
  }
}
