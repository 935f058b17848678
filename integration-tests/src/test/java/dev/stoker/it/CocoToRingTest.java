package dev.stoker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.stoker.api.Batch;
import dev.stoker.api.BatchLayout;
import dev.stoker.api.ElementType;
import dev.stoker.api.RunSummary;
import dev.stoker.api.TransformSpec;
import dev.stoker.dataset.CocoSource;
import dev.stoker.ring.BatchRings;
import dev.stoker.decode.ImageDecoders;
import dev.stoker.pipeline.Loader;
import dev.stoker.pipeline.Presets;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A COCO dataset written by the test, through the pipeline into the Disruptor ring: 10 JPEGs of
 * 80x60, image {@code i} holding {@code i % 4} solid red boxes on gray. A plan that resizes to
 * 80x60 is the identity, so each box must arrive exactly where the annotation put it.
 */
class CocoToRingTest {
  private static final int IMAGES = 10;
  private static final int WIDTH = 80;
  private static final int HEIGHT = 60;

  @TempDir
  static Path root;
  static Path annotations;
  static Path images;

  /** Box {@code k} of image {@code i} as COCO x, y, width, height. */
  private static int[] box(int i, int k) {
    return new int[] {2 + 25 * k, 4 + 2 * i, 20, 30};
  }

  @BeforeAll
  static void makeDataset() throws IOException {
    images = Files.createDirectories(root.resolve("images"));
    StringBuilder imageJson = new StringBuilder();
    StringBuilder annotationJson = new StringBuilder();
    int id = 0;
    for (int i = 0; i < IMAGES; i++) {
      BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
      Graphics2D g = image.createGraphics();
      g.setColor(Color.GRAY);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      g.setColor(Color.RED);
      for (int k = 0; k < i % 4; k++) {
        int[] b = box(i, k);
        g.fillRect(b[0], b[1], b[2], b[3]);
        annotationJson.append(id == 0 ? "" : ",\n").append(String.format(
            "{\"id\": %d, \"image_id\": %d, \"category_id\": %d, \"bbox\": [%d, %d, %d, %d], \"iscrowd\": 0}",
            ++id, i + 1, 10 + k, b[0], b[1], b[2], b[3]));
      }
      g.dispose();
      ImageIO.write(image, "jpeg", images.resolve(i + ".jpg").toFile());
      imageJson.append(i == 0 ? "" : ",\n").append(String.format(
          "{\"id\": %d, \"file_name\": \"%d.jpg\", \"width\": %d, \"height\": %d}", i + 1, i, WIDTH, HEIGHT));
    }
    annotations = Files.writeString(root.resolve("annotations.json"), "{\"images\": [" + imageJson
        + "],\n\"annotations\": [" + annotationJson + "],\n\"categories\": [{\"id\": 12, \"name\": \"c\"}, "
        + "{\"id\": 10, \"name\": \"a\"}, {\"id\": 11, \"name\": \"b\"}]}");
  }

  private static Loader loader(CocoSource source, List<TransformSpec> transforms) {
    return Loader.builder()
        .source(source)
        .transforms(transforms)
        .decoder(ImageDecoders.best())
        .batchSize(4)
        .threads(2)
        .seed(5)
        .ring(BatchRings.direct(), 2)
        .build();
  }

  /** One delivered sample's boxes and labels, copied out of its batch. */
  private record Delivered(int index, float[] boxes, int[] labels) {
    static void addAll(Batch b, List<Delivered> into) {
      int max = b.layout().maxBoxes();
      for (int p = 0; p < b.size(); p++) {
        int n = b.boxCount(p);
        float[] boxes = b.boxes().asSlice(16L * max * p, 16L * n).toArray(ValueLayout.JAVA_FLOAT);
        int[] labels = b.boxLabels().asSlice(4L * max * p, 4L * n).toArray(ValueLayout.JAVA_INT);
        into.add(new Delivered(b.sampleIndex(p), boxes, labels));
      }
    }
  }

  @Test
  void build_cocoSource_layoutHoldsTheMostBoxesAnyImageHas() {
    CocoSource source = CocoSource.open(annotations, images);

    try (Loader loader = loader(source, List.of(new TransformSpec.Resize(WIDTH, HEIGHT)))) {
      assertThat(loader.layout()).isEqualTo(new BatchLayout(4, HEIGHT, WIDTH, 3, ElementType.UINT8, 3));
    }
    assertThat(source.classes()).containsExactly("a", "b", "c");
  }

  @Test
  void run_missingImageFile_isAFailureNamingThePath(@TempDir Path dir) throws IOException {
    Path copy = Files.createDirectories(dir.resolve("images"));
    for (int i = 1; i < IMAGES; i++) {
      Files.copy(images.resolve(i + ".jpg"), copy.resolve(i + ".jpg"));
    }
    RunSummary summary;
    try (Loader loader = loader(CocoSource.open(annotations, copy), List.of(new TransformSpec.Resize(WIDTH, HEIGHT)))) {
      summary = loader.run(1, batch -> { });
    }

    assertThat(summary.delivered() + summary.failed()).isEqualTo(IMAGES);
    assertThat(summary.failures()).anySatisfy(f -> {
      assertThat(f.index()).isZero();
      assertThat(f.describe()).startsWith(copy.resolve("0.jpg").toString());
      assertThat(f.cause()).isInstanceOf(IOException.class);
    });
  }

  @Test
  void run_identityPlan_deliversEveryBoxUnchangedAtItsSamplesPosition() {
    CocoSource source = CocoSource.open(annotations, images);
    List<Delivered> delivered = new ArrayList<>();
    RunSummary summary;
    try (Loader loader = loader(source, List.of(new TransformSpec.Resize(WIDTH, HEIGHT)))) {
      summary = loader.run(2, batch -> Delivered.addAll(batch, delivered));
    }

    assertThat(summary.failed()).isZero();
    assertThat(summary.boxes()).isEqualTo(2L * source.totalBoxes());
    assertThat(delivered).hasSize(2 * IMAGES);
    for (Delivered d : delivered) {
      int n = d.index() % 4;
      assertThat(d.labels()).as("labels of %d", d.index()).hasSize(n);
      for (int k = 0; k < n; k++) {
        int[] b = box(d.index(), k);
        assertThat(d.labels()[k]).isEqualTo(k);
        float[] expected = {b[0], b[1], b[0] + b[2], b[1] + b[3]};
        for (int c = 0; c < 4; c++) {
          assertThat(d.boxes()[4 * k + c]).as("box %d of %d", k, d.index()).isCloseTo(expected[c], within(1e-3f));
        }
      }
    }
  }

  @Test
  void run_ssd300_everyDeliveredBoxLiesInsideTheOutputAndIsNotDegenerate() {
    CocoSource source = CocoSource.open(annotations, images);
    List<Delivered> delivered = new ArrayList<>();
    RunSummary summary;
    try (Loader loader = loader(source, Presets.ssd300Train())) {
      summary = loader.run(3, batch -> Delivered.addAll(batch, delivered));
    }

    assertThat(summary.failed()).isZero();
    assertThat(summary.boxes()).isPositive();
    for (Delivered d : delivered) {
      assertThat(d.labels().length).isLessThanOrEqualTo(d.index() % 4);
      for (int k = 0; k < d.labels().length; k++) {
        float x0 = d.boxes()[4 * k];
        float y0 = d.boxes()[4 * k + 1];
        float x1 = d.boxes()[4 * k + 2];
        float y1 = d.boxes()[4 * k + 3];
        assertThat(x0).isGreaterThanOrEqualTo(0f).isLessThan(x1);
        assertThat(y0).isGreaterThanOrEqualTo(0f).isLessThan(y1);
        assertThat(x1).isLessThanOrEqualTo(300f);
        assertThat(y1).isLessThanOrEqualTo(300f);
      }
    }
  }
}
