package dev.stoker.pack;

import dev.stoker.api.LoaderException;
import dev.stoker.api.SampleSource;
import dev.stoker.api.internal.Checks;
import dev.stoker.image.JpegEncoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Writes a pack ({@code stoker pack}): every sample of a source shrunk once, re-encoded (or
 * decoded to raw pixels) and stored in tar shards with an index and a descriptor, in the layout
 * {@link PackDescriptor} documents.
 *
 * <p>Parallel ({@link PackOptions#workers()} threads decode, shrink and encode), with the shards
 * written in sample order: the same source and options give byte-identical shards and index at
 * any thread count (only the descriptor's {@code created} differs). Resumable: each finished shard
 * is kept with a small sidecar; a run into a directory that holds an interrupted pack of the same
 * source and options keeps every finished shard whose SHA-256 still matches, deletes the partial
 * one and goes on from there (and refuses, naming the difference, when the source or options
 * differ). A sample that cannot be read or decoded is counted and listed (name and a one-line
 * reason), not packed.
 *
 * <pre>{@code
 * SampleSource train = Datasets.open(Path.of("/data/train"));
 * PackReport r = PackWriting.write(train, Path.of("/data/train-256"), PackOptions.defaults().withMaxSide(256),
 *     p -> System.err.printf("\r%d/%d", p.done(), p.total()));
 * }</pre>
 */
public final class PackWriting {
  private PackWriting() {}

  /**
   * Packs {@code source} into {@code directory} without progress reports.
   *
   * @param source the samples to pack
   * @param directory a new or empty directory, or one holding an interrupted pack of the same
   *     source and options
   * @param options how to pack
   * @return what was written
   * @throws LoaderException naming the directory if it holds something else, or a file cannot be written
   */
  public static PackReport write(SampleSource source, Path directory, PackOptions options) {
    return write(source, directory, options, p -> {});
  }

  /**
   * Packs {@code source} into {@code directory}, reporting progress after every source sample on
   * the writing thread. An exception thrown by {@code progress} stops the pack where it is, as an
   * interruption would: a rerun resumes it.
   *
   * @param source the samples to pack
   * @param directory a new or empty directory, or one holding an interrupted pack of the same
   *     source and options
   * @param options how to pack
   * @param progress called after every source sample, in order
   * @return what was written
   * @throws LoaderException naming the directory if it holds something else, or a file cannot be written
   */
  public static PackReport write(SampleSource source, Path directory, PackOptions options,
      Consumer<PackProgress> progress) {
    Checks.notNull(source, "source");
    Checks.notNull(directory, "directory");
    Checks.notNull(options, "options");
    Checks.notNull(progress, "progress");
    return write(source, directory, options, progress, JpegEncoder.best());
  }

  static PackReport write(SampleSource source, Path directory, PackOptions options, Consumer<PackProgress> progress,
      JpegEncoder encoder) {
    try {
      return new PackWriter(source, directory, options, progress, encoder).write();
    } catch (IOException e) {
      throw new LoaderException(directory + ": cannot write the pack: " + e.getMessage(), e);
    }
  }
}
