package dev.stoker.pack;

import dev.stoker.api.internal.Checks;
import java.util.List;

/**
 * What {@code stoker pack} wrote.
 *
 * <pre>{@code
 * PackReport r = PackWriting.write(source, Path.of("/data/train-256"), PackOptions.defaults().withMaxSide(256));
 * System.out.printf("%d samples in %d shards, %d failed%n", r.samples(), r.shards(), r.failed());
 * }</pre>
 *
 * @param samples samples packed
 * @param failed source samples that could not be packed
 * @param failures the first of them (at most {@link PackDescriptor#MAX_LISTED_FAILURES}), name and reason
 * @param shards shards in the pack
 * @param keptShards shards kept, verified, from an interrupted earlier run
 * @param bytesIn encoded bytes read from the source for the packed samples
 * @param bytesOut bytes of the shards
 * @param handled source samples this run packed or failed (fewer than all when shards were kept)
 * @param seconds how long this run took
 * @param imageEncoder the JPEG encoder used ({@code "libjpeg-turbo"} or {@code "imageio"}), or {@code "none"} for a raw pack
 */
public record PackReport(int samples, int failed, List<PackDescriptor.Failure> failures, int shards, int keptShards,
    long bytesIn, long bytesOut, int handled, double seconds, String imageEncoder) {
  /** Validates the fields. */
  public PackReport {
    failures = List.copyOf(Checks.notNull(failures, "failures"));
    Checks.notNull(imageEncoder, "imageEncoder");
  }

  /**
   * Source samples handled per second in this run.
   *
   * @return {@code handled / seconds}, 0 before any time passed
   */
  public double imagesPerSecond() {
    return seconds > 0 ? handled / seconds : 0;
  }
}
