package dev.stoker.remote.protocol;

import dev.stoker.api.Batch;
import dev.stoker.api.RunSummary;
import dev.stoker.api.SampleSource;
import dev.stoker.dataset.ImageFolderSource;
import dev.stoker.ring.BatchRings;
import dev.stoker.pipeline.Loader;
import dev.stoker.pipeline.LoaderBuilder;
import dev.stoker.pipeline.Presets;
import dev.stoker.pipeline.SampleSupplier;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A small generated ImageFolder dataset (with one broken JPEG), the loader settings and batch
 * digests, shared by the node and client tests (hence public).
 *
 * <pre>{@code
 * SampleSource source = TestImages.open(TestImages.make(tempDir));
 * try (Loader loader = TestImages.settings(source).build()) {
 *   TestImages.Run run = TestImages.run(loader, 0, 2);   // run.digests(): one per batch
 * }
 * }</pre>
 */
public final class TestImages {
  /** Good images; the dataset also holds one broken file. */
  public static final int GOOD = 17;
  public static final int SIZE = GOOD + 1;

  private TestImages() {}

  /** Writes the dataset under {@code root}. */
  public static Path make(Path root) {
    try {
      for (int i = 0; i < GOOD; i++) {
        Path dir = Files.createDirectories(root.resolve("class" + i % 3));
        BufferedImage image = new BufferedImage(60 + 5 * i, 44 + 3 * i, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(0, 0, new Color(i * 13, 90, 180), image.getWidth(), image.getHeight(), Color.ORANGE));
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.dispose();
        ImageIO.write(image, "jpeg", dir.resolve("img" + i + ".jpg").toFile());
      }
      Files.write(root.resolve("class2").resolve("broken.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, 7, 7});
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static SampleSource open(Path root) {
    return ImageFolderSource.open(root);
  }

  /** The loader every test compares: small crops, batches of 4, a ring of 2 slots. */
  public static LoaderBuilder settings(SampleSource source) {
    return settings(Loader.builder().source(source));
  }

  /** The same loader over samples the nodes process. */
  public static LoaderBuilder settings(SampleSupplier supplier) {
    return settings(Loader.builder().supplier(supplier));
  }

  private static LoaderBuilder settings(LoaderBuilder builder) {
    return builder.transforms(Presets.imagenetTrain(24)).batchSize(4).threads(2).seed(11).ring(BatchRings.direct(), 2);
  }

  /** What a run delivered: one digest per batch, and its summary. */
  public record Run(List<String> digests, RunSummary summary) {}

  /** Runs epochs {@code first..first+epochs-1} and digests every batch. */
  public static Run run(Loader loader, int first, int epochs) {
    List<String> digests = new ArrayList<>();
    RunSummary summary = loader.run(first, epochs, batch -> digests.add(digest(batch)));
    return new Run(digests, summary);
  }

  public static String digest(Batch batch) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update((batch.epoch() + "/" + batch.indexInEpoch() + "/" + batch.size()).getBytes());
      for (int p = 0; p < batch.size(); p++) {
        sha.update((batch.sampleIndex(p) + ":" + batch.label(p) + ";").getBytes());
      }
      sha.update(batch.pixels().asSlice(0, batch.size() * batch.layout().sampleBytes()).toArray(ValueLayout.JAVA_BYTE));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Writes an ImageFolder of {@code images} JPEGs of different sizes in three classes under
   * {@code root}, plus {@code class1/broken.jpg}, which no decoder can read.
   */
  public static Path imageFolder(Path root, int images) throws IOException {
    for (int i = 0; i < images; i++) {
      Path dir = Files.createDirectories(root.resolve("class" + i % 3));
      BufferedImage image = new BufferedImage(60 + 3 * i, 40 + 2 * i, BufferedImage.TYPE_3BYTE_BGR);
      Graphics2D g = image.createGraphics();
      g.setPaint(new GradientPaint(0, 0, new Color(i * 9 % 256, 40, 200), image.getWidth(), image.getHeight(),
          Color.GREEN));
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      g.dispose();
      ImageIO.write(image, "jpeg", dir.resolve(i + ".jpg").toFile());
    }
    Files.write(root.resolve("class1").resolve("broken.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3});
    return root;
  }
}
