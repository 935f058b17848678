package dev.stoker.cli;

import dev.stoker.api.ImageDecoder;
import dev.stoker.api.ImageHeader;
import dev.stoker.api.SampleSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code stoker doctor}'s look at the dataset: which samples it measures (a seeded random choice),
 * the files' size on disk (every file's {@code stat}, or a sample's scaled up for very large
 * datasets), and the decoded size (the mean pixels of the sample's image headers x 3 bytes x the
 * images).
 */
final class DatasetProbe {
  /** Above this many images the encoded size is estimated from {@value #STAT_SAMPLE} files. */
  static final int STAT_ALL_UP_TO = 200_000;
  static final int STAT_SAMPLE = 20_000;

  private DatasetProbe() {}

  /**
   * {@code n} distinct indices of {@code size}, chosen at random with {@code seed} (all of them,
   * shuffled, when {@code n >= size}).
   */
  static int[] sample(int size, int n, long seed) {
    int[] all = new int[size];
    for (int i = 0; i < size; i++) {
      all[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed);
    int k = Math.min(n, size);
    for (int i = 0; i < k; i++) {   // a partial Fisher-Yates shuffle: the first k are the sample
      int j = i + random.nextInt(size - i);
      int t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    return java.util.Arrays.copyOf(all, k);
  }

  /** The sampled samples' files that are regular files (a source may name something else). */
  static List<Path> files(SampleSource source, int[] indices) {
    List<Path> files = new ArrayList<>();
    for (int index : indices) {
      Path path = Path.of(source.sourceName(index));
      if (Files.isRegularFile(path)) {
        files.add(path);
      }
    }
    return files;
  }

  /**
   * The encoded size of the dataset.
   *
   * @param bytes the sum of the file sizes, or -1 when no file could be sized
   * @param method how it was found
   */
  record Encoded(long bytes, String method) {}

  /** Sizes every file of {@code source} (or {@value #STAT_SAMPLE} of them, scaled, for a very large one). */
  static Encoded encoded(SampleSource source) {
    int size = source.size();
    boolean all = size <= STAT_ALL_UP_TO;
    int[] indices = all ? sample(size, size, 0) : sample(size, STAT_SAMPLE, 0);
    long bytes = 0;
    int sized = 0;
    for (int index : indices) {
      try {
        bytes += Files.size(Path.of(source.sourceName(index)));
        sized++;
      } catch (IOException | RuntimeException e) {
        // a missing file: a run fails it too; it is counted out of the size
      }
    }
    if (sized == 0) {
      return new Encoded(-1, "unknown: no file of the dataset could be sized");
    }
    if (all) {
      return new Encoded(bytes, String.format(Locale.ROOT, "the sum of the sizes of all %,d files (stat)%s", sized,
          sized < size ? ", " + (size - sized) + " missing" : ""));
    }
    return new Encoded(Math.round(bytes / (double) sized * size), String.format(Locale.ROOT, "the mean size of "
        + "%,d files chosen at random (stat) x %,d images", sized, size));
  }

  /**
   * The encoded size of a packed or remote dataset, whose samples are not files to stat: the mean
   * bytes of the samples {@code reads} read x {@code images}.
   */
  static Encoded encoded(ReadProbe.Rate reads, int images) {
    if (!reads.measured() || reads.files() == 0) {
      return new Encoded(-1, "unknown: no sample was read");
    }
    return new Encoded(Math.round(reads.bytes() / (double) reads.files() * images), String.format(Locale.ROOT,
        "the mean size of the %,d samples read x %,d images", reads.files(), images));
  }

  /**
   * The images' mean size from their headers.
   *
   * @param meanPixels mean pixels per image, 0 when no header could be read
   * @param headers headers read
   */
  record Pixels(double meanPixels, int headers) {
    /** The dataset decoded: mean pixels x 3 bytes x {@code images}, or -1 when unknown. */
    long decodedBytes(int images) {
      return headers == 0 ? -1 : Math.round(meanPixels * 3 * images);
    }
  }

  /** Reads the header of each sampled image with {@code decoder}; unreadable ones are left out. */
  static Pixels pixels(SampleSource source, int[] indices, ImageDecoder decoder) {
    double sum = 0;
    int read = 0;
    for (int index : indices) {
      try {
        ByteBuffer bytes = source.read(index);
        ImageHeader header = decoder.readHeader(bytes, source.sourceName(index));
        sum += header.pixels();
        read++;
      } catch (IOException | RuntimeException e) {
        // the loader's pass fails (and counts) the same image
      }
    }
    return new Pixels(read == 0 ? 0 : sum / read, read);
  }
}
