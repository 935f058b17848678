package dev.stoker.dataset;

import dev.stoker.api.BatchLayout;
import java.util.Arrays;

/**
 * Every sample's boxes in three flat arrays grouped by sample, built once when a detection source
 * opens: for 100k images and a million boxes that is ~20 MB and no object per box. Immutable, so
 * safe to read from any thread.
 */
final class BoxTable {
  private final int[] start;
  private final float[] coords;
  private final int[] labels;
  private final int max;

  private BoxTable(int[] start, float[] coords, int[] labels) {
    this.start = start;
    this.coords = coords;
    this.labels = labels;
    int largest = 0;
    for (int s = 0; s + 1 < start.length; s++) {
      largest = Math.max(largest, start[s + 1] - start[s]);
    }
    this.max = largest;
  }

  /**
   * Groups the boxes of {@code list} by sample, keeping their order within each sample.
   *
   * @param samples the number of samples; every box's sample lies in {@code [0, samples)}
   */
  static BoxTable group(int samples, Builder list) {
    int[] start = new int[samples + 1];
    for (int b = 0; b < list.size; b++) {
      start[list.samples[b] + 1]++;
    }
    for (int s = 0; s < samples; s++) {
      start[s + 1] += start[s];
    }
    int[] next = Arrays.copyOf(start, samples);
    float[] coords = new float[list.size * BatchLayout.BOX_FLOATS];
    int[] labels = new int[list.size];
    for (int b = 0; b < list.size; b++) {
      int to = next[list.samples[b]]++;
      int n = BatchLayout.BOX_FLOATS;
      System.arraycopy(list.coords, b * n, coords, to * n, n);
      labels[to] = list.labels[b];
    }
    return new BoxTable(start, coords, labels);
  }

  /** Boxes of {@code sample}. */
  int count(int sample) {
    return start[sample + 1] - start[sample];
  }

  /** The most boxes any sample has. */
  int max() {
    return max;
  }

  /** Boxes of all samples. */
  int total() {
    return labels.length;
  }

  /** The label of {@code sample}'s first box, or -1 if it has none. */
  int firstLabel(int sample) {
    return count(sample) == 0 ? -1 : labels[start[sample]];
  }

  /** Copies {@code sample}'s boxes and labels into the arrays, from index 0; returns how many. */
  int copy(int sample, float[] boxesOut, int[] labelsOut) {
    int from = start[sample];
    int n = start[sample + 1] - from;
    System.arraycopy(coords, from * BatchLayout.BOX_FLOATS, boxesOut, 0, n * BatchLayout.BOX_FLOATS);
    System.arraycopy(labels, from, labelsOut, 0, n);
    return n;
  }

  /** Boxes in any order, each tagged with its sample; clipped and checked as they are added. */
  static final class Builder {
    private int size;
    private int[] samples = new int[64];
    private int[] labels = new int[64];
    private float[] coords = new float[64 * BatchLayout.BOX_FLOATS];

    /**
     * Adds box {@code x0, y0, x1, y1} (source pixels) of {@code sample}, clipped to a {@code width x
     * height} image where the size is known (positive).
     *
     * @return false, adding nothing, if a coordinate is not finite or the clipped box is empty
     */
    boolean add(int sample, int label, double x0, double y0, double x1, double y1, int width, int height) {
      if (!(Double.isFinite(x0) && Double.isFinite(y0) && Double.isFinite(x1) && Double.isFinite(y1))) {
        return false;
      }
      if (width > 0) {
        x0 = Math.max(0, x0);
        x1 = Math.min(width, x1);
      }
      if (height > 0) {
        y0 = Math.max(0, y0);
        y1 = Math.min(height, y1);
      }
      float fx0 = (float) x0;
      float fy0 = (float) y0;
      float fx1 = (float) x1;
      float fy1 = (float) y1;
      if (!(fx0 < fx1 && fy0 < fy1)) {
        return false;
      }
      if (size == labels.length) {
        samples = Arrays.copyOf(samples, size * 2);
        labels = Arrays.copyOf(labels, size * 2);
        coords = Arrays.copyOf(coords, size * 2 * BatchLayout.BOX_FLOATS);
      }
      samples[size] = sample;
      labels[size] = label;
      int c = size * BatchLayout.BOX_FLOATS;
      coords[c] = fx0;
      coords[c + 1] = fy0;
      coords[c + 2] = fx1;
      coords[c + 3] = fy1;
      size++;
      return true;
    }
  }
}
