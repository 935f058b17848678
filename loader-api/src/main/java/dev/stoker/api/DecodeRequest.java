package dev.stoker.api;

import dev.stoker.api.internal.Checks;

/**
 * Which part of an image to decode, and how small the result may be.
 *
 * <p>A decoder decodes at least {@code region}; it may scale the region down (a JPEG decoder
 * picks a DCT scale of 1/2, 1/4 or 1/8) as long as the result stays at least {@code minWidth} by
 * {@code minHeight}. Pass the output size of the transform plan so that a 2000x1500 photo cropped
 * to 224x224 never decodes at full size.
 *
 * @param region the rectangle to decode, in full-image coordinates
 * @param minWidth the smallest acceptable width of the decoded result
 * @param minHeight the smallest acceptable height of the decoded result
 * @param knownSound the caller decoded this same file before, under a strict decoder, without
 *     error: a strict decoder, which otherwise reads the whole file to find corrupt data below the
 *     region, may stop after the region (that check costs about a tenth of a crop's decode)
 */
public record DecodeRequest(Region region, int minWidth, int minHeight, boolean knownSound) {
  /** Validates the fields. */
  public DecodeRequest {
    Checks.notNull(region, "region");
    Checks.positive(minWidth, "minWidth");
    Checks.positive(minHeight, "minHeight");
  }

  /**
   * A request for a file not known to be sound: a strict decoder checks all of it.
   *
   * @param region the rectangle to decode, in full-image coordinates, not null
   * @param minWidth the smallest acceptable width of the decoded result, positive
   * @param minHeight the smallest acceptable height of the decoded result, positive
   */
  public DecodeRequest(Region region, int minWidth, int minHeight) {
    this(region, minWidth, minHeight, false);
  }

  /**
   * A request for the whole image at full resolution.
   *
   * @param header the image's header, not null
   * @return a request for the region {@code (0, 0, width, height)} at that size
   */
  public static DecodeRequest full(ImageHeader header) {
    return new DecodeRequest(Region.full(header.width(), header.height()), header.width(), header.height());
  }
}
