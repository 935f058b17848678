package dev.stoker.pack;

import dev.stoker.api.internal.Checks;
import java.util.List;

/**
 * What a pack holds and how it was made: the contents of its {@value #FILE_NAME}, next to its
 * {@value #INDEX_NAME} and its tar shards.
 *
 * <p>A pack directory (or object-store prefix) holds {@value #FILE_NAME}, {@value #INDEX_NAME}
 * and the shards {@code shard-000000.tar}, {@code shard-000001.tar}, ... Each shard is a plain tar
 * file in the WebDataset layout: for sample {@code k} (its position in the pack, as nine digits,
 * {@code KEY = 000000042}) the members {@code KEY.jpg} (or {@code KEY.rgb8} for raw pixels in
 * Stoker's raw image format), {@code KEY.cls} (the label as decimal text, absent for a detection
 * sample without boxes) and {@code KEY.json} (width, height, the source file's name, labels and
 * boxes in the stored image's pixels).
 *
 * <pre>{@code
 * PackDescriptor d = Packs.descriptor("/data/packs/train");
 * System.out.println(d.samples() + " samples in " + d.shards().size() + " shards, " + d.imageFormat());
 * }</pre>
 *
 * @param version the pack format's version, {@value #VERSION}
 * @param imageFormat {@value #JPEG} or {@value #RAW}
 * @param maxSide the longest any stored image's shorter side may be, 0 when images were kept at full size
 * @param quality the JPEG quality, 1 to 100; 0 for raw packs
 * @param classes the class names, indexed by label
 * @param hasBoxes whether samples carry boxes (a detection dataset)
 * @param maxBoxes the most boxes any sample has, 0 without boxes
 * @param maxLabels the most labels any sample has, at least 1
 * @param samples the number of samples packed
 * @param shards the shards, in order; their sample counts add up to {@code samples}
 * @param failed how many source samples could not be packed
 * @param failures the first of them (at most {@value #MAX_LISTED_FAILURES}), each with its reason
 * @param source what was packed, for people
 * @param created when packing finished, ISO-8601
 * @param stokerVersion the version of Stoker that packed it
 */
public record PackDescriptor(
    int version,
    String imageFormat,
    int maxSide,
    int quality,
    List<String> classes,
    boolean hasBoxes,
    int maxBoxes,
    int maxLabels,
    int samples,
    List<Shard> shards,
    int failed,
    List<Failure> failures,
    String source,
    String created,
    String stokerVersion) {
  /** The descriptor's file name in a pack. */
  public static final String FILE_NAME = "stoker-pack.json";
  /** The index's file name in a pack. */
  public static final String INDEX_NAME = "index.bin";
  /** The format version this code writes and reads. */
  public static final int VERSION = 1;
  /** {@link #imageFormat()} of a pack of re-encoded JPEGs ({@code KEY.jpg}). */
  public static final String JPEG = "jpeg";
  /** {@link #imageFormat()} of a pack of raw uint8 RGB pixels ({@code KEY.rgb8}). */
  public static final String RAW = "raw";
  /** The most failures a descriptor lists (it counts them all). */
  public static final int MAX_LISTED_FAILURES = 1000;
  /** The most shards a pack may have. */
  public static final int MAX_SHARDS = 1 << 20;
  /** The most classes a pack may have. */
  public static final int MAX_CLASSES = 1 << 20;
  /** The most boxes or labels one sample may have. */
  public static final int MAX_PER_SAMPLE = 1 << 16;

  /**
   * One shard.
   *
   * @param name its file name, {@code shard-NNNNNN.tar}
   * @param samples the samples it holds
   * @param bytes its size in bytes
   * @param sha256 the SHA-256 of its bytes, 64 lower-case hex digits
   */
  public record Shard(String name, int samples, long bytes, String sha256) {
    /** Validates the fields. */
    public Shard {
      Checks.notNull(name, "name");
      Checks.argument(name.matches("shard-[0-9]{6,9}\\.tar"), "name", "must be shard-NNNNNN.tar, got '"
          + (name.length() > 40 ? name.substring(0, 40) + "..." : name) + "'");
      Checks.notNegative(samples, "samples");
      Checks.argument(bytes >= 0, "bytes", "must be 0 or more, got " + bytes);
      Checks.notNull(sha256, "sha256");
      Checks.argument(sha256.matches("[0-9a-f]{64}"), "sha256", "must be 64 lower-case hex digits");
    }
  }

  /**
   * A source sample that was not packed.
   *
   * @param name the sample's name in the source
   * @param reason why, in one line
   */
  public record Failure(String name, String reason) {
    /** Validates the fields. */
    public Failure {
      Checks.notNull(name, "name");
      Checks.notNull(reason, "reason");
    }
  }

  /** Validates the fields and that they agree with each other. */
  public PackDescriptor {
    Checks.argument(version == VERSION, "version", "this Stoker reads pack format " + VERSION + ", got " + version);
    Checks.notNull(imageFormat, "imageFormat");
    Checks.argument(imageFormat.equals(JPEG) || imageFormat.equals(RAW), "imageFormat",
        "must be '" + JPEG + "' or '" + RAW + "'");
    Checks.notNegative(maxSide, "maxSide");
    Checks.argument(imageFormat.equals(RAW) ? quality == 0 : quality >= 1 && quality <= 100, "quality",
        "must be 1 to 100 for a JPEG pack and 0 for a raw one, got " + quality);
    classes = List.copyOf(Checks.notNull(classes, "classes"));
    Checks.argument(classes.size() <= MAX_CLASSES, "classes", "at most " + MAX_CLASSES + ", got " + classes.size());
    Checks.argument(maxBoxes >= 0 && maxBoxes <= MAX_PER_SAMPLE && (hasBoxes || maxBoxes == 0), "maxBoxes",
        "must be in [0, " + MAX_PER_SAMPLE + "] and 0 without boxes, got " + maxBoxes);
    Checks.argument(maxLabels >= 1 && maxLabels <= MAX_PER_SAMPLE, "maxLabels",
        "must be in [1, " + MAX_PER_SAMPLE + "], got " + maxLabels);
    Checks.notNegative(samples, "samples");
    shards = List.copyOf(Checks.notNull(shards, "shards"));
    Checks.argument(shards.size() <= MAX_SHARDS, "shards", "at most " + MAX_SHARDS + ", got " + shards.size());
    long total = 0;
    for (int i = 0; i < shards.size(); i++) {
      Checks.argument(shards.get(i).name().equals(shardName(i)), "shards",
          "shard " + i + " must be named " + shardName(i));
      total += shards.get(i).samples();
    }
    Checks.argument(total == samples, "shards", "hold " + total + " samples, the descriptor says " + samples);
    Checks.notNegative(failed, "failed");
    failures = List.copyOf(Checks.notNull(failures, "failures"));
    Checks.argument(failures.size() <= Math.min(failed, MAX_LISTED_FAILURES), "failures",
        "lists " + failures.size() + ", more than the " + failed + " counted or " + MAX_LISTED_FAILURES);
    Checks.notNull(source, "source");
    Checks.notNull(created, "created");
    Checks.notNull(stokerVersion, "stokerVersion");
  }

  /**
   * The file name of shard {@code index}.
   *
   * @param index the shard, 0 or more
   * @return {@code shard-NNNNNN.tar}, six digits or more
   */
  public static String shardName(int index) {
    return String.format("shard-%06d.tar", Checks.notNegative(index, "index"));
  }

  /**
   * The WebDataset key of sample {@code index}: nine digits.
   *
   * @param index the sample's position in the pack
   * @return e.g. {@code 000000042}
   */
  public static String key(int index) {
    return String.format("%09d", Checks.notNegative(index, "index"));
  }

  /**
   * The extension of the image member: {@code jpg} or {@code rgb8}.
   *
   * @return the image member's extension, without the dot
   */
  public String imageExtension() {
    return imageFormat.equals(JPEG) ? "jpg" : "rgb8";
  }
}
