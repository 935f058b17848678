package dev.stoker.testkit;

import dev.stoker.pipeline.Loader;
import dev.stoker.pipeline.LoaderBuilder;
import dev.stoker.pipeline.Presets;
import dev.stoker.ring.BatchRings;

/**
 * The loader settings the end-to-end tests run with: the training preset at a small crop, two
 * decode threads and a direct ring of two slots. Add the source (or supplier) and anything else a
 * test needs; later calls override. Shared with other modules through loader-reactor's test jar.
 *
 * <pre>{@code
 * try (Loader loader = SmallLoaders.train(24, 4, 11).source(ImageFolderSource.open(root)).build()) {
 *   BatchDigests.Run run = BatchDigests.run(loader, 0, 2);
 * }
 * }</pre>
 */
public final class SmallLoaders {
  private SmallLoaders() {}

  /**
   * {@code Presets.imagenetTrain(crop)}, batches of {@code batchSize}, 2 threads, {@code seed},
   * {@code BatchRings.direct()} with 2 slots; no source yet.
   */
  public static LoaderBuilder train(int crop, int batchSize, long seed) {
    return Loader.builder()
        .transforms(Presets.imagenetTrain(crop))
        .batchSize(batchSize)
        .threads(2)
        .seed(seed)
        .ring(BatchRings.direct(), 2);
  }
}
