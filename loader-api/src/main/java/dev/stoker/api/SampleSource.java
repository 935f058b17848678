package dev.stoker.api;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A dataset addressed by index: how many samples, what each one is called and labelled, and its
 * encoded bytes; for object detection, also each sample's boxes.
 *
 * <p>Implementations must be safe for concurrent {@link #read} and {@link #copyBoxes} calls from
 * many threads; the pipeline calls {@code read} on a blocking-IO scheduler.
 *
 * <p><b>Boxes.</b> A detection source ({@link #hasBoxes()} true) parses its annotations once, when it is opened,
 * and keeps them in memory; {@link #copyBoxes} copies one sample's boxes into arrays the caller
 * owns, so the pipeline reads them into pooled arrays without allocating per sample. A box is 4
 * floats {@code x0, y0, x1, y1} in the source image's pixels, in continuous coordinates: pixel
 * column {@code c} spans {@code [c, c + 1)}, so a box covering columns 10 to 19 has {@code x0 = 10,
 * x1 = 20}. Every box has {@code x0 < x1} and {@code y0 < y1}; sources drop degenerate boxes when
 * they open (and say so in {@link #warnings()}). A classification source keeps the defaults: no
 * boxes.
 *
 * <pre>{@code
 * SampleSource train = CocoSource.open(Path.of("coco/annotations.json"), Path.of("coco/images"));
 * float[] boxes = new float[4 * train.maxBoxCount()];
 * int[] labels = new int[train.maxBoxCount()];
 * int n = train.copyBoxes(0, boxes, labels);
 * ByteBuffer jpeg = train.read(0);
 * }</pre>
 */
public interface SampleSource {
  /**
   * A short human description, e.g. {@code "image folder /data/train (1000 images, 10 classes)"}.
   *
   * @return a one-line description for logs and summaries
   */
  String description();

  /**
   * The number of samples; indices run from 0 to {@code size() - 1}.
   *
   * @return the number of samples, 0 or more
   */
  int size();

  /**
   * The name of sample {@code index} in errors and failure lists (a path, a URI).
   *
   * @param index the sample, {@code 0 <= index < size()}
   * @return the sample's name, for people
   */
  String sourceName(int index);

  /**
   * What identifies sample {@code index} within its dataset wherever the dataset is stored: its
   * name relative to the dataset's root, plus what the source knows of the sample's bytes without
   * reading them. Two copies of one dataset under different paths or buckets give the same keys; a
   * renamed file, or a pack whose recorded shard checksum differs, gives another. A data-server
   * node hashes every sample's key, with its labels and boxes, into its dataset identity, which is
   * how a client tells that two nodes serve the same dataset.
   *
   * <p>The default is {@link #sourceName(int)}, which usually holds the dataset's location: a
   * source that does not override it is identified by where it lies, so a copy elsewhere is told
   * apart, never wrongly taken for the same. A source that wraps others (a subset, a
   * concatenation, a cache) gives its inner source's key.
   *
   * <pre>{@code
   * ImageFolderSource.open(Path.of("/mnt/a/train")).contentKey(0);   // "cat/001.jpg"
   * ImageFolderSource.open(Path.of("/mnt/b/train")).contentKey(0);   // "cat/001.jpg" too
   * // a pack: shard, member, its byte range, and the shard's SHA-256 recorded in the descriptor
   * // "shard-000000.tar:000000000.jpg 1536+118232 sha256:9f2c4e0a77d1c3b8"
   * }</pre>
   *
   * @param index the sample, {@code 0 <= index < size()}
   * @return the sample's key, independent of the dataset's location where the source can say it
   */
  default String contentKey(int index) {
    return sourceName(index);
  }

  /**
   * The class label of sample {@code index}, in {@code [0, classes().size())}. A detection source
   * gives the label of the sample's first box, or {@code -1} if the sample has no box; its boxes
   * carry the labels that matter.
   *
   * @param index the sample, {@code 0 <= index < size()}
   * @return the label, in {@code [0, classes().size())}, or {@code -1} for a detection sample
   *     without boxes
   */
  int label(int index);

  /**
   * The class names, indexed by label.
   *
   * @return the class names, not null; label {@code i} is named {@code classes().get(i)}
   */
  List<String> classes();

  /**
   * Reads the encoded bytes of sample {@code index}. Blocking.
   *
   * @param index the sample, {@code 0 <= index < size()}
   * @return a buffer holding the encoded bytes between its position and its limit
   * @throws IOException if the bytes cannot be read; the message names the file
   */
  ByteBuffer read(int index) throws IOException;

  /**
   * Reads the encoded bytes of sample {@code index}, into {@code reuse} when it is large enough
   * (then the returned buffer is {@code reuse}, its position 0 and limit the byte count), else
   * into a new buffer it returns, which the caller may offer as {@code reuse} next time. The
   * loader calls this on its decode workers with one buffer per worker, so that steady state
   * allocates no read buffers. The default ignores {@code reuse} and calls {@link #read(int)}.
   *
   * @param index the sample, {@code 0 <= index < size()}
   * @return {@code reuse} holding the bytes, or a new buffer when {@code reuse} is null or too
   *     small
   * @param reuse a buffer this call may overwrite, or null
   * @throws IOException if the bytes cannot be read; the message names the file
   */
  default ByteBuffer read(int index, ByteBuffer reuse) throws IOException {
    return read(index);
  }

  /**
   * Whether this is a detection source whose samples carry boxes (some may carry none).
   *
   * @return {@code true} for a detection source
   */
  default boolean hasBoxes() {
    return false;
  }

  /**
   * The largest {@link #boxCount} of any sample, known from the moment the source is open.
   *
   * @return the largest box count of any sample; 0 for a classification source
   */
  default int maxBoxCount() {
    return 0;
  }

  /**
   * The number of boxes of sample {@code index}.
   *
   * @param index the sample, {@code 0 <= index < size()}
   * @return the sample's box count, {@code 0..maxBoxCount()}
   */
  default int boxCount(int index) {
    return 0;
  }

  /**
   * Copies the boxes of sample {@code index} into {@code boxes} (4 floats each, source pixels, see
   * the class documentation) and their labels (in {@code [0, classes().size())}) into
   * {@code labels}, from index 0. Allocates nothing.
   *
   * @param index the sample, {@code 0 <= index < size()}
   * @param boxes receives {@code 4 * boxCount(index)} floats; {@code 4 * maxBoxCount()} always fit
   * @param labels receives {@code boxCount(index)} labels; {@code maxBoxCount()} always fit
   * @return the number of boxes copied, {@code boxCount(index)}
   * @throws IndexOutOfBoundsException if an array is too short
   */
  default int copyBoxes(int index, float[] boxes, int[] labels) {
    return 0;
  }

  /**
   * The most labels any sample has: 1 (the default) for a single-label source, more for a
   * multi-label one (e.g. a manifest whose label column lists several labels). A loader over a
   * source with {@code maxLabelCount() > 1} gives its batches soft targets, multi-hot over
   * {@link #classes()} (see {@link Batch}).
   *
   * <pre>{@code
   * int[] labels = new int[source.maxLabelCount()];
   * int n = source.copyLabels(index, labels);      // labels[0] == source.label(index) when n > 0
   * }</pre>
   *
   * @return the largest {@link #labelCount} of any sample, at least 1
   */
  default int maxLabelCount() {
    return 1;
  }

  /**
   * The number of labels of sample {@code index}. The default: 1, or 0 when {@link #label} is
   * {@code -1}.
   *
   * @param index the sample, {@code 0 <= index < size()}
   * @return the sample's label count, {@code 0..maxLabelCount()}
   */
  default int labelCount(int index) {
    return label(index) < 0 ? 0 : 1;
  }

  /**
   * Copies the labels of sample {@code index} into {@code labels} from index 0, each in
   * {@code [0, classes().size())}, the first being {@link #label(int)}. Allocates nothing. The
   * default copies {@link #label(int)} when it is not {@code -1}.
   *
   * @param index the sample, {@code 0 <= index < size()}
   * @param labels receives {@code labelCount(index)} labels; {@code maxLabelCount()} always fit
   * @return the number of labels copied, {@code labelCount(index)}
   * @throws IndexOutOfBoundsException if {@code labels} is too short
   */
  default int copyLabels(int index, int[] labels) {
    int label = label(index);
    if (label < 0) {
      return 0;
    }
    labels[0] = label;
    return 1;
  }

  /**
   * Problems found while opening the source that did not stop it, one line each, e.g. an
   * annotation that refers to a missing image; empty when there were none.
   *
   * @return the warning lines, not null, empty when there were none
   */
  default List<String> warnings() {
    return List.of();
  }

  /**
   * How many problems {@link #warnings()} stands for: more than its lines when a source keeps only
   * the first ones and ends with a line saying how many more, as the description counts them.
   * Defaults to the number of lines.
   *
   * @return the number of problems, at least {@code warnings().size()}
   */
  default int warningCount() {
    return warnings().size();
  }

  /**
   * The counters of the cache this source keeps in front of its reads, cumulative since it was
   * made; {@link CacheStats#NONE} (the default) for a source without one. A loader reports the
   * change over each run in {@link RunSummary#cache()}.
   *
   * @return the cumulative cache counters, {@link CacheStats#NONE} without a cache
   */
  default CacheStats cacheStats() {
    return CacheStats.NONE;
  }
}
