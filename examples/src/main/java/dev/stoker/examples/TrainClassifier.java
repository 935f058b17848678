package dev.stoker.examples;

import dev.stoker.api.RunSummary;
import dev.stoker.api.SampleSource;
import dev.stoker.dataset.ImageFolderSource;
import dev.stoker.pipeline.Loader;
import dev.stoker.pipeline.Presets;
import dev.stoker.ring.BatchRings;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * A classification training loop on the host: streams an ImageFolder dataset
 * ({@code DIR/<class>/<image>.jpg}) for a few epochs and trains a nearest-class-mean classifier on
 * each image's mean colour. Each sample is first predicted with the means learned so far (scoring
 * the epoch's accuracy), then added to its class's mean.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp 'target/classes:target/lib/*' \
 *     dev.stoker.examples.TrainClassifier DIR [EPOCHS]
 * </pre>
 *
 * <p>Exits 1 if a sample failed or the last epoch's accuracy is not above chance.
 */
public final class TrainClassifier {
  private TrainClassifier() {}

  public static void main(String[] args) {
    if (args.length < 1) {
      System.err.println("usage: TrainClassifier DIR [EPOCHS]");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 3;

    SampleSource source = ImageFolderSource.open(dir);             // DIR/<class>/<image>.jpg
    ClassMeans means = new ClassMeans(source.classes().size(), epochs);
    try (Loader loader = Loader.builder()
            .source(source)
            .transforms(Presets.imagenetTrain(64))                 // RandomResizedCrop(64) + horizontal flip
            .batchSize(32)
            .threads(2)
            .seed(42)
            .ring(BatchRings.direct(), 4)                          // 4 preallocated batch slots
            .build()) {
        RunSummary summary = loader.run(epochs, batch -> {         // runs on this thread, batch by batch
            long sampleBytes = batch.layout().sampleBytes();       // 64 x 64 x 3 uint8 per sample, NHWC
            for (int i = 0; i < batch.size(); i++) {
                MemorySegment sample = batch.pixels().asSlice(i * sampleBytes, sampleBytes);
                means.learn(batch.epoch(), meanColour(sample), batch.label(i));   // predict, score, update
            }
        });                                                        // the slot is reused once this returns
        System.out.printf("%,d images in %.2f s: %.0f images/s, %d failed, decoder %s%n", summary.delivered(),
            summary.seconds(), summary.imagesPerSecond(), summary.failed(), loader.decoderName());
        if (summary.failed() > 0) {
            System.exit(1);
        }
    }
    double chance = 1.0 / source.classes().size();
    for (int e = 0; e < epochs; e++) {
      System.out.printf("epoch %d: nearest-mean accuracy %.3f (chance %.3f)%n", e, means.accuracy(e), chance);
    }
    if (!(means.accuracy(epochs - 1) > chance)) {
      System.err.println("TrainClassifier: the last epoch's accuracy is not above chance");
      System.exit(1);
    }
  }

  /** The mean red, green and blue of one uint8 RGB sample. */
  static double[] meanColour(MemorySegment sample) {
    long[] sums = new long[3];
    for (long p = 0; p < sample.byteSize(); p++) {
      sums[(int) (p % 3)] += sample.get(ValueLayout.JAVA_BYTE, p) & 0xFF;
    }
    double pixels = sample.byteSize() / 3.0;
    return new double[] {sums[0] / pixels, sums[1] / pixels, sums[2] / pixels};
  }

  /** Per-class mean colours, and per epoch how many samples the means before them predicted right. */
  static final class ClassMeans {
    private final double[][] sums;
    private final long[] counts;
    private final long[] seen;
    private final long[] right;

    ClassMeans(int classes, int epochs) {
      sums = new double[classes][3];
      counts = new long[classes];
      seen = new long[epochs];
      right = new long[epochs];
    }

    void learn(int epoch, double[] colour, int label) {
      seen[epoch]++;
      if (predict(colour) == label) {
        right[epoch]++;
      }
      counts[label]++;
      for (int c = 0; c < 3; c++) {
        sums[label][c] += colour[c];
      }
    }

    int predict(double[] colour) {
      int best = -1;
      double bestDistance = Double.MAX_VALUE;
      for (int k = 0; k < counts.length; k++) {
        if (counts[k] == 0) {
          continue;
        }
        double distance = 0;
        for (int c = 0; c < 3; c++) {
          double d = colour[c] - sums[k][c] / counts[k];
          distance += d * d;
        }
        if (distance < bestDistance) {
          bestDistance = distance;
          best = k;
        }
      }
      return best;
    }

    double accuracy(int epoch) {
      return seen[epoch] == 0 ? 0 : (double) right[epoch] / seen[epoch];
    }
  }
}
