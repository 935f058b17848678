package dev.stoker.api;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A dataset addressed by index: how many samples, what each one is called and labelled, and its
 * encoded bytes.
 *
 * <p>Implementations must be safe for concurrent {@link #read} calls from many threads; the
 * pipeline calls {@code read} on a blocking-IO scheduler.
 *
 * <pre>{@code
 * SampleSource train = ImageFolderSource.open(Path.of("data/train"));
 * ByteBuffer jpeg = train.read(0);
 * }</pre>
 */
public interface SampleSource {
  /** A short human description, e.g. {@code "image folder /data/train (1000 images, 10 classes)"}. */
  String description();

  /** The number of samples; indices run from 0 to {@code size() - 1}. */
  int size();

  /** The name of sample {@code index} in errors and failure lists (a path, a URI). */
  String sourceName(int index);

  /** The class label of sample {@code index}, in {@code [0, classes().size())}. */
  int label(int index);

  /** The class names, indexed by label. */
  List<String> classes();

  /**
   * Reads the encoded bytes of sample {@code index}. Blocking.
   *
   * @throws IOException if the bytes cannot be read; the message names the file
   */
  ByteBuffer read(int index) throws IOException;
}
