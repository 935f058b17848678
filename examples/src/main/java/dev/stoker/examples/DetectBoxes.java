package dev.stoker.examples;

import dev.stoker.api.RunSummary;
import dev.stoker.api.SampleSource;
import dev.stoker.dataset.Datasets;
import dev.stoker.pipeline.Loader;
import dev.stoker.pipeline.Presets;
import dev.stoker.ring.BatchRings;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;

/**
 * Object detection: streams a COCO ({@code DIR/annotations.json} and {@code DIR/images/}) or Pascal
 * VOC dataset through the SSD training preset (flip, IoU crop, 300x300) and reads each sample's
 * boxes and box labels from the batch, counting boxes and their mean area per class.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp 'target/classes:target/lib/*' \
 *     dev.stoker.examples.DetectBoxes DIR [EPOCHS]
 * </pre>
 *
 * <p>Exits 1 if a sample failed, no box arrived, or a box is degenerate or outside the 300x300 output.
 */
public final class DetectBoxes {
  private DetectBoxes() {}

  public static void main(String[] args) {
    if (args.length < 1) {
      System.err.println("usage: DetectBoxes DIR [EPOCHS]");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 2;

    SampleSource source = Datasets.open(dir);                      // COCO (annotations.json + images/) or VOC
    BoxStats stats = new BoxStats(source.classes(), 300, 300);
    try (Loader loader = Loader.builder()
            .source(source)
            .transforms(Presets.ssd300Train())                     // flip, SSD IoU crop, resize to 300x300
            .batchSize(16)
            .seed(7)
            .ring(BatchRings.direct(), 4)
            .build()) {
        int maxBoxes = loader.layout().maxBoxes();                 // default: the most boxes any image has
        RunSummary summary = loader.run(epochs, batch -> {
            MemorySegment boxes = batch.boxes();                   // float32 [size][maxBoxes][4]: x0 y0 x1 y1, output pixels
            MemorySegment labels = batch.boxLabels();              // int32 [size][maxBoxes]: -1 marks padding
            for (int i = 0; i < batch.size(); i++) {
                for (int b = 0; b < batch.boxCount(i); b++) {      // sample i's real boxes; the rest is padding
                    long box = (long) i * maxBoxes + b;
                    float[] xyxy = new float[4];
                    MemorySegment.copy(boxes, ValueLayout.JAVA_FLOAT, box * 4 * Float.BYTES, xyxy, 0, 4);
                    stats.add(labels.getAtIndex(ValueLayout.JAVA_INT, box), xyxy);
                }
            }
        });
        System.out.printf("%,d images, %,d boxes in %.2f s: %.0f images/s, %d failed, %d boxes dropped by the crops%n",
            summary.delivered(), stats.boxes(), summary.seconds(), summary.imagesPerSecond(), summary.failed(),
            summary.droppedBoxes());
        if (summary.failed() > 0) {
            System.exit(1);
        }
    }
    stats.print();
    if (stats.boxes() == 0 || stats.bad() > 0) {
      System.err.println("DetectBoxes: " + stats.boxes() + " boxes, " + stats.bad() + " degenerate or outside the image");
      System.exit(1);
    }
  }

  /** Boxes per class, their mean area, and how many were degenerate or outside the image. */
  static final class BoxStats {
    private final List<String> classes;
    private final float width;
    private final float height;
    private final long[] counts;
    private final double[] areas;
    private long bad;

    BoxStats(List<String> classes, int width, int height) {
      this.classes = classes;
      this.width = width;
      this.height = height;
      counts = new long[classes.size()];
      areas = new double[classes.size()];
    }

    void add(int label, float[] xyxy) {
      boolean inside = 0 <= xyxy[0] && xyxy[0] < xyxy[2] && xyxy[2] <= width
          && 0 <= xyxy[1] && xyxy[1] < xyxy[3] && xyxy[3] <= height;
      if (!inside || label < 0 || label >= counts.length) {
        bad++;
        return;
      }
      counts[label]++;
      areas[label] += (double) (xyxy[2] - xyxy[0]) * (xyxy[3] - xyxy[1]);
    }

    long boxes() {
      long total = bad;
      for (long c : counts) {
        total += c;
      }
      return total;
    }

    long bad() {
      return bad;
    }

    void print() {
      for (int k = 0; k < counts.length; k++) {
        System.out.printf("%-16s %6d boxes, mean area %8.0f px%n", classes.get(k), counts[k],
            counts[k] == 0 ? 0 : areas[k] / counts[k]);
      }
    }
  }
}
