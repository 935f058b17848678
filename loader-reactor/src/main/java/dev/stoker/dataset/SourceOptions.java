package dev.stoker.dataset;

import dev.stoker.api.internal.Checks;

/**
 * How a dataset source treats the image files its annotations or manifest name. The defaults
 * ({@link #DEFAULT}) are safe for a dataset from anywhere; every {@code open} method without
 * options uses them.
 *
 * <ul>
 *   <li><b>Paths stay inside the dataset.</b> A COCO {@code file_name}, a VOC {@code <filename>}
 *       and a manifest row's path are relative paths that, once normalised, stay under the image
 *       directory (for a manifest: the manifest's directory). An absolute path, a path that leaves
 *       the directory with {@code ..}, or a name with control characters is skipped at open with a
 *       warning naming the annotation file and the entry, as a row naming a missing image is.
 *       Symbolic links are resolved when a sample is <em>read</em>: a link that leads outside the
 *       directory fails that sample, naming the file, like any unreadable image. (At read time,
 *       not at open, so that opening a COCO file of a hundred thousand images costs no
 *       {@code stat} per image; a directory's real path is found once and remembered, and the
 *       {@code stat} every read makes anyway tells whether the file itself is a link.)
 *   <li>{@link #allowPathsOutside()}: a manifest may name absolute paths and paths outside its
 *       directory ({@code stoker --allow-absolute-paths}). For manifests only; COCO and VOC names
 *       always stay inside.
 *   <li>Only regular files are read: a FIFO, a device ({@code /dev/zero}) or a directory fails its
 *       sample at once, naming the file, without being opened (a {@code stat} before the
 *       {@code open}; it replaces the {@code fstat} after it, so a read makes no more system calls
 *       than before). Someone who can write into the dataset while it is read could still swap a
 *       file for a FIFO between the two.
 *   <li>{@link #maxImageBytes()}: the largest encoded image read, checked before the read buffer is
 *       allocated; a larger file fails its sample naming the file and the cap.
 * </ul>
 *
 * <pre>{@code
 * SampleSource listed = ManifestSource.open(Path.of("/data/train.csv"),
 *     SourceOptions.DEFAULT.withPathsOutside(true).withMaxImageBytes(64L << 20));
 * }</pre>
 *
 * @param allowPathsOutside whether a manifest may name absolute paths and paths outside its
 *     directory (default false)
 * @param maxImageBytes the largest image file read, in bytes (default
 *     {@value #DEFAULT_MAX_IMAGE_BYTES}, 256 MiB); at most {@value #MAX_IMAGE_BYTES}
 */
public record SourceOptions(boolean allowPathsOutside, long maxImageBytes) {
  /** The default cap on one encoded image: 256 MiB. */
  public static final long DEFAULT_MAX_IMAGE_BYTES = 256L << 20;

  /** The largest cap: what one buffer can hold. */
  public static final long MAX_IMAGE_BYTES = Integer.MAX_VALUE - 8;

  /** Paths confined to the dataset, images up to {@value #DEFAULT_MAX_IMAGE_BYTES} bytes. */
  public static final SourceOptions DEFAULT = new SourceOptions(false, DEFAULT_MAX_IMAGE_BYTES);

  /**
   * Validates the fields.
   *
   * @throws IllegalArgumentException naming {@code maxImageBytes} if it is not in
   *     {@code [1, MAX_IMAGE_BYTES]}
   */
  public SourceOptions {
    Checks.argument(maxImageBytes >= 1 && maxImageBytes <= MAX_IMAGE_BYTES, "maxImageBytes",
        "must be in [1, " + MAX_IMAGE_BYTES + "], got " + maxImageBytes);
  }

  /**
   * These options with {@link #allowPathsOutside()} set to {@code allow}.
   *
   * @param allow whether manifest rows may name absolute paths and paths outside the manifest's
   *     directory
   * @return new options; these are unchanged
   */
  public SourceOptions withPathsOutside(boolean allow) {
    return new SourceOptions(allow, maxImageBytes);
  }

  /**
   * These options with {@link #maxImageBytes()} set to {@code bytes}.
   *
   * @param bytes the largest image file to read, in bytes, in {@code [1, MAX_IMAGE_BYTES]}
   * @return new options; these are unchanged
   */
  public SourceOptions withMaxImageBytes(long bytes) {
    return new SourceOptions(allowPathsOutside, bytes);
  }
}
