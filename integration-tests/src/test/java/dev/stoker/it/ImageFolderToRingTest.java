package dev.stoker.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.Batch;
import dev.stoker.api.BatchConsumer;
import dev.stoker.api.BatchLayout;
import dev.stoker.api.RunSummary;
import dev.stoker.dataset.ImageFolderSource;
import dev.stoker.decode.ImageDecoders;
import dev.stoker.pipeline.Loader;
import dev.stoker.testkit.BatchDigests;
import dev.stoker.testkit.SmallLoaders;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole path on generated images: folder → pipeline → Disruptor ring → consumer. */
class ImageFolderToRingTest {
  private static final int CLASSES = 3;
  private static final int PER_CLASS = 14;
  private static final Color[] COLORS = {Color.RED, Color.GREEN, Color.BLUE};

  @TempDir
  static Path root;

  @BeforeAll
  static void makeImages() throws IOException {
    for (int c = 0; c < CLASSES; c++) {
      Path dir = Files.createDirectories(root.resolve("class" + c));
      for (int i = 0; i < PER_CLASS; i++) {
        BufferedImage image = new BufferedImage(90 + 7 * i, 70 + 5 * i, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setColor(COLORS[c]);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.dispose();
        String ext = i % 2 == 0 ? "jpg" : (i % 3 == 0 ? "PNG" : "JPEG");
        ImageIO.write(image, ext.equalsIgnoreCase("png") ? "png" : "jpeg", dir.resolve(i + "." + ext).toFile());
      }
    }
  }

  private static Loader loader(Path dir, int threads) {
    return SmallLoaders.train(32, 8, 11)
        .source(ImageFolderSource.open(dir))
        .decoder(ImageDecoders.best())
        .threads(threads)
        .build();
  }

  @Test
  void run_twoEpochs_deliversEverySampleOncePerEpochWithItsLabelAndShape() {
    ImageFolderSource source = ImageFolderSource.open(root);
    List<Batch> seen = new ArrayList<>();
    Map<Integer, List<Integer>> indicesByEpoch = new HashMap<>();
    List<String> problems = new ArrayList<>();
    BatchConsumer consumer = batch -> {
      if (batch.pixels().byteSize() != batch.size() * batch.layout().sampleBytes()) {
        problems.add("pixels size " + batch.pixels().byteSize());
      }
      for (int i = 0; i < batch.size(); i++) {
        int index = batch.sampleIndex(i);
        indicesByEpoch.computeIfAbsent(batch.epoch(), e -> new ArrayList<>()).add(index);
        if (batch.label(i) != source.label(index)) {
          problems.add("label of " + index);
        }
        // every pixel of a class-c image is dominated by channel c (solid colour images)
        long base = i * batch.layout().sampleBytes();
        int c = source.label(index);
        int center = (int) (base + (16 * 32 + 16) * 3);
        if ((batch.pixels().get(java.lang.foreign.ValueLayout.JAVA_BYTE, center + c) & 0xFF) < 200) {
          problems.add("colour of " + index);
        }
      }
      seen.add(batch);
    };
    RunSummary summary;
    try (Loader loader = loader(root, 2)) {
      assertThat(loader.layout()).isEqualTo(new BatchLayout(8, 32, 32, 3));
      summary = loader.run(2, consumer);
    }
    int total = CLASSES * PER_CLASS;
    assertThat(problems).isEmpty();
    assertThat(summary.delivered()).isEqualTo(2L * total);
    assertThat(summary.failed()).isZero();
    assertThat(summary.batches()).isEqualTo(2L * ((total + 7) / 8));
    for (int epoch = 0; epoch < 2; epoch++) {
      assertThat(indicesByEpoch.get(epoch)).hasSize(total).doesNotHaveDuplicates();
    }
    assertThat(indicesByEpoch.get(0)).isNotEqualTo(indicesByEpoch.get(1));
  }

  @Test
  void run_oneOrThreeThreads_sameDigest() {
    assertThat(digest(root, 1)).isEqualTo(digest(root, 3));
  }

  @Test
  void run_corruptFileAmongGoodOnes_reportsItByNameAndDeliversTheRest(@TempDir Path dir) throws IOException {
    Path cls = Files.createDirectories(dir.resolve("only"));
    for (int i = 0; i < 7; i++) {
      Files.copy(root.resolve("class0").resolve(i * 2 + ".jpg"), cls.resolve("good" + i + ".jpg"));
    }
    Path bad = cls.resolve("broken.jpg");
    Files.write(bad, new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3});
    RunSummary summary;
    try (Loader loader = loader(dir, 2)) {
      summary = loader.run(1, batch -> { });
    }
    assertThat(summary.delivered()).isEqualTo(7);
    assertThat(summary.failed()).isEqualTo(1);
    assertThat(summary.failures()).singleElement()
        .satisfies(f -> assertThat(f.describe()).contains(bad.toString()));
  }

  /** One digest per batch of two epochs: indices, labels and pixels. */
  private static List<String> digest(Path dir, int threads) {
    try (Loader loader = loader(dir, threads)) {
      return BatchDigests.run(loader, 0, 2).digests();
    }
  }
}
