package dev.stoker.pack;

import dev.stoker.api.internal.Checks;

/**
 * How {@code stoker pack} writes a pack: the image size and format, the shard size and the
 * threads. The same source with the same options gives byte-identical shards, whatever the
 * thread count (which is why {@link #workers()} is not part of a resumed pack's identity).
 *
 * <pre>{@code
 * PackOptions options = PackOptions.defaults().withMaxSide(256).withWorkers(8);
 * PackReport report = PackWriting.write(Datasets.open(Path.of("/data/train")), Path.of("/data/train-256"), options);
 * }</pre>
 *
 * @param maxSide the longest a stored image's shorter side may be (images are shrunk once, never
 *     enlarged, boxes scaled with them); 0 keeps every image at full size
 * @param format {@link PackDescriptor#JPEG} (re-encoded at {@code quality}) or
 *     {@link PackDescriptor#RAW} (decoded uint8 RGB pixels in Stoker's raw image format)
 * @param quality the JPEG quality, 1 to 100 (ignored for a raw pack, whose descriptor says 0)
 * @param shardSize the most bytes of members a shard holds before the next one starts (a sample
 *     larger than this gets a shard of its own), at least 64 KiB
 * @param workers threads that decode, shrink and encode in parallel, 1 or more
 */
public record PackOptions(int maxSide, String format, int quality, long shardSize, int workers) {
  /** The default JPEG quality. */
  public static final int DEFAULT_QUALITY = 90;
  /**
   * The default shard size, 64 MiB: one sequential read or object-store GET large enough that
   * per-request latency is amortized (tens of milliseconds on 64 MiB), yet small enough that an
   * ImageNet-sized pack at 256 pixels (about 25 GB) has hundreds of shards to spread over ranks,
   * workers and a shard-shuffle order, and that a resumed pack redoes little.
   */
  public static final long DEFAULT_SHARD_SIZE = 64L << 20;
  /** The smallest shard size accepted. */
  public static final long MIN_SHARD_SIZE = 64L << 10;

  /** Validates the fields. */
  public PackOptions {
    Checks.notNegative(maxSide, "maxSide");
    Checks.notNull(format, "format");
    Checks.argument(format.equals(PackDescriptor.JPEG) || format.equals(PackDescriptor.RAW), "format",
        "must be '" + PackDescriptor.JPEG + "' or '" + PackDescriptor.RAW + "', got '"
            + (format.length() > 20 ? format.substring(0, 20) + "..." : format) + "'");
    Checks.argument(quality >= 1 && quality <= 100, "quality", "must be 1 to 100, got " + quality);
    Checks.argument(shardSize >= MIN_SHARD_SIZE, "shardSize",
        "must be at least " + MIN_SHARD_SIZE + " bytes, got " + shardSize);
    Checks.positive(workers, "workers");
  }

  /**
   * Full size, JPEG at quality {@value #DEFAULT_QUALITY}, 64 MiB shards, one worker per processor.
   *
   * @return the default options
   */
  public static PackOptions defaults() {
    return new PackOptions(0, PackDescriptor.JPEG, DEFAULT_QUALITY, DEFAULT_SHARD_SIZE,
        Runtime.getRuntime().availableProcessors());
  }

  /**
   * These options with another {@link #maxSide()}.
   *
   * @param side the bound on the shorter side, 0 for full size
   * @return the new options
   */
  public PackOptions withMaxSide(int side) {
    return new PackOptions(side, format, quality, shardSize, workers);
  }

  /**
   * These options with another {@link #format()}.
   *
   * @param imageFormat {@code "jpeg"} or {@code "raw"}
   * @return the new options
   */
  public PackOptions withFormat(String imageFormat) {
    return new PackOptions(maxSide, imageFormat, quality, shardSize, workers);
  }

  /**
   * These options with another {@link #quality()}.
   *
   * @param jpegQuality 1 to 100
   * @return the new options
   */
  public PackOptions withQuality(int jpegQuality) {
    return new PackOptions(maxSide, format, jpegQuality, shardSize, workers);
  }

  /**
   * These options with another {@link #shardSize()}.
   *
   * @param bytes the shard size in bytes
   * @return the new options
   */
  public PackOptions withShardSize(long bytes) {
    return new PackOptions(maxSide, format, quality, bytes, workers);
  }

  /**
   * These options with another {@link #workers()}.
   *
   * @param threads 1 or more
   * @return the new options
   */
  public PackOptions withWorkers(int threads) {
    return new PackOptions(maxSide, format, quality, shardSize, threads);
  }

  /** The quality the descriptor records: the JPEG quality, 0 for a raw pack. */
  int descriptorQuality() {
    return format.equals(PackDescriptor.RAW) ? 0 : quality;
  }
}
