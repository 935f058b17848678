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
  private static final String PREFIX = "sha256:";
  private static final int HEX_DIGITS = 24;

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
    return PREFIX + HexFormat.of().formatHex(sha.digest()).substring(0, HEX_DIGITS) + "/" + source.size();
  }

  /**
   * Whether {@code identity} has the form {@link #of} makes, for a dataset of {@code size}
   * samples: a client checks a node's claim with it before printing or comparing it.
   */
  public static boolean isWellFormed(String identity, int size) {
    if (identity == null || !identity.startsWith(PREFIX) || size < 0) {
      return false;
    }
    String suffix = "/" + size;
    if (identity.length() != PREFIX.length() + HEX_DIGITS + suffix.length() || !identity.endsWith(suffix)) {
      return false;
    }
    for (int i = PREFIX.length(); i < PREFIX.length() + HEX_DIGITS; i++) {
      char c = identity.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  private static void update(MessageDigest sha, String text) {
    sha.update(text.getBytes(StandardCharsets.UTF_8));
  }
}
