package dev.stoker.dataset;

import dev.stoker.api.CacheStats;
import dev.stoker.api.SampleSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Chosen samples of a source ({@link Sources#subset}, {@link Sources#filter}, {@link Sources#split}):
 * sample {@code i} is the source's sample {@code indices[i]}. Names, labels, classes and boxes are
 * the source's.
 */
final class SubsetSource implements SampleSource {
  private final SampleSource source;
  private final int[] indices;
  private final String what;

  /** {@code indices} is owned by this source from now on and already checked. */
  SubsetSource(SampleSource source, int[] indices, String what) {
    this.source = source;
    this.indices = indices;
    this.what = what;
  }

  private int at(int index) {
    if (index < 0 || index >= indices.length) {
      throw new IndexOutOfBoundsException("index " + index + " is outside [0, " + indices.length + ")");
    }
    return indices[index];
  }

  @Override
  public String description() {
    return what + " (" + indices.length + " of " + source.size() + " samples) of " + source.description();
  }

  @Override
  public int size() {
    return indices.length;
  }

  @Override
  public String sourceName(int index) {
    return source.sourceName(at(index));
  }

  @Override
  public String contentKey(int index) {
    return source.contentKey(at(index));
  }

  @Override
  public int label(int index) {
    return source.label(at(index));
  }

  @Override
  public List<String> classes() {
    return source.classes();
  }

  @Override
  public ByteBuffer read(int index) throws IOException {
    return source.read(at(index));
  }

  @Override
  public ByteBuffer read(int index, ByteBuffer reuse) throws IOException {
    return source.read(at(index), reuse);
  }

  @Override
  public boolean hasBoxes() {
    return source.hasBoxes();
  }

  @Override
  public int maxBoxCount() {
    return source.maxBoxCount();
  }

  @Override
  public int boxCount(int index) {
    return source.boxCount(at(index));
  }

  @Override
  public int copyBoxes(int index, float[] boxes, int[] labels) {
    return source.copyBoxes(at(index), boxes, labels);
  }

  @Override
  public int maxLabelCount() {
    return source.maxLabelCount();
  }

  @Override
  public int labelCount(int index) {
    return source.labelCount(at(index));
  }

  @Override
  public int copyLabels(int index, int[] labels) {
    return source.copyLabels(at(index), labels);
  }

  @Override
  public List<String> warnings() {
    return source.warnings();
  }

  @Override
  public int warningCount() {
    return source.warningCount();
  }

  @Override
  public CacheStats cacheStats() {
    return source.cacheStats();
  }
}
