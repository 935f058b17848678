package dev.stoker.remote.protocol;

import dev.stoker.api.SampleSource;
import dev.stoker.dataset.ImageFolderSource;
import dev.stoker.pipeline.LoaderBuilder;
import dev.stoker.pipeline.SampleSupplier;
import dev.stoker.testkit.GradientImageFolder;
import dev.stoker.testkit.SmallLoaders;
import java.awt.Color;
import java.nio.file.Path;

/**
 * The dataset and loader settings the node and client tests compare local and remote runs with
 * (hence public): a {@link GradientImageFolder} with one broken JPEG, and {@link SmallLoaders}
 * settings. Digest runs with {@link dev.stoker.testkit.BatchDigests}.
 *
 * <pre>{@code
 * SampleSource source = TestImages.open(TestImages.make(tempDir));
 * try (Loader loader = TestImages.settings(source).build()) {
 *   BatchDigests.Run run = BatchDigests.run(loader, 0, 2);   // run.digests(): one per batch
 * }
 * }</pre>
 */
public final class TestImages {
  /** Good images; the dataset also holds one broken file. */
  public static final int GOOD = 17;
  public static final int SIZE = GOOD + 1;

  private static final GradientImageFolder DATASET = GradientImageFolder.of(GOOD)
      .size(60, 44, 5, 3).gradient(13, 90, 180, Color.ORANGE).prefix("img").withBroken(2);

  private TestImages() {}

  /** Writes the dataset under {@code root}. */
  public static Path make(Path root) {
    return DATASET.writeTo(root);
  }

  public static SampleSource open(Path root) {
    return ImageFolderSource.open(root);
  }

  /** The loader every test compares: small crops, batches of 4, a ring of 2 slots. */
  public static LoaderBuilder settings(SampleSource source) {
    return SmallLoaders.train(24, 4, 11).source(source);
  }

  /** The same loader over samples the nodes process. */
  public static LoaderBuilder settings(SampleSupplier supplier) {
    return SmallLoaders.train(24, 4, 11).supplier(supplier);
  }
}
