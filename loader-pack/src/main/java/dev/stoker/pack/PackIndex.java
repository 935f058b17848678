package dev.stoker.pack;

import dev.stoker.api.internal.Checks;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Where every sample of a pack lies and what it is labelled: the contents of {@code index.bin}.
 *
 * <p>Binary layout, big-endian: the 8-byte magic {@code STKPIDX1}, the sample count (int), then per
 * sample in pack order: shard (int), offset of the image member's data in the shard (long), its
 * length (int), the label count (int) and the labels (ints), the box count (int) and per box
 * {@code x0, y0, x1, y1} (floats, stored-image pixels) and its label (int). Labels are in
 * {@code [0, classes)}. Nothing follows the last sample.
 *
 * <p>Held in flat arrays (no object per sample): about 20 bytes a sample plus its labels and boxes.
 */
final class PackIndex {
  static final byte[] MAGIC = "STKPIDX1".getBytes(StandardCharsets.US_ASCII);

  private final int[] shard;
  private final long[] offset;
  private final int[] length;
  /** Sample i's labels are {@code labels[labelStart[i] .. labelStart[i + 1])}. */
  private final int[] labelStart;
  private final int[] labels;
  /** Sample i's boxes are {@code boxes[4 * boxStart[i] .. 4 * boxStart[i + 1])}. */
  private final int[] boxStart;
  private final float[] boxes;
  private final int[] boxLabels;

  PackIndex(int[] shard, long[] offset, int[] length, int[] labelStart, int[] labels, int[] boxStart,
      float[] boxes, int[] boxLabels) {
    int n = shard.length;
    Checks.argument(offset.length == n && length.length == n && labelStart.length == n + 1
        && boxStart.length == n + 1, "index", "arrays of different lengths");
    Checks.argument(labels.length == labelStart[n] && boxLabels.length == boxStart[n]
        && boxes.length == 4L * boxStart[n], "index", "label or box arrays do not match their starts");
    this.shard = shard;
    this.offset = offset;
    this.length = length;
    this.labelStart = labelStart;
    this.labels = labels;
    this.boxStart = boxStart;
    this.boxes = boxes;
    this.boxLabels = boxLabels;
  }

  int size() {
    return shard.length;
  }

  int shard(int i) {
    return shard[i];
  }

  long offset(int i) {
    return offset[i];
  }

  int length(int i) {
    return length[i];
  }

  int labelCount(int i) {
    return labelStart[i + 1] - labelStart[i];
  }

  /** The first label, or -1 when the sample has none. */
  int label(int i) {
    return labelCount(i) == 0 ? -1 : labels[labelStart[i]];
  }

  int copyLabels(int i, int[] out) {
    int n = labelCount(i);
    System.arraycopy(labels, labelStart[i], out, 0, n);
    return n;
  }

  int boxCount(int i) {
    return boxStart[i + 1] - boxStart[i];
  }

  int copyBoxes(int i, float[] outBoxes, int[] outLabels) {
    int n = boxCount(i);
    System.arraycopy(boxes, 4 * boxStart[i], outBoxes, 0, 4 * n);
    System.arraycopy(boxLabels, boxStart[i], outLabels, 0, n);
    return n;
  }

  /** Writes the index in its binary layout. */
  void write(OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    data.write(MAGIC);
    data.writeInt(size());
    for (int i = 0; i < size(); i++) {
      data.writeInt(shard[i]);
      data.writeLong(offset[i]);
      data.writeInt(length[i]);
      data.writeInt(labelCount(i));
      for (int k = labelStart[i]; k < labelStart[i + 1]; k++) {
        data.writeInt(labels[k]);
      }
      data.writeInt(boxCount(i));
      for (int b = boxStart[i]; b < boxStart[i + 1]; b++) {
        for (int c = 0; c < 4; c++) {
          data.writeFloat(boxes[4 * b + c]);
        }
        data.writeInt(boxLabels[b]);
      }
    }
    data.flush();
  }

  /**
   * Reads and checks an index against its pack's descriptor: every count, shard, byte range, label
   * and box is bounded before anything is allocated for it.
   *
   * @param bytes the index file's bytes
   * @param d the pack's descriptor
   * @param name the index's name for errors
   * @throws PackFormatException naming {@code name} and the sample if anything is out of bounds
   */
  static PackIndex read(ByteBuffer bytes, PackDescriptor d, String name) {
    ByteBuffer in = bytes.duplicate().order(ByteOrder.BIG_ENDIAN);
    int sample = -1;
    try {
      byte[] magic = new byte[MAGIC.length];
      in.get(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new PackFormatException(name, "not a Stoker pack index (wrong magic)");
      }
      int n = in.getInt();
      if (n != d.samples()) {
        throw new PackFormatException(name, "holds " + n + " samples, the descriptor says " + d.samples());
      }
      // the smallest record is 24 bytes: refuse a count the file cannot hold before allocating for it
      if ((long) n * 24 > in.remaining()) {
        throw new PackFormatException(name, "is too short for " + n + " samples");
      }
      int[] shard = new int[n];
      long[] offset = new long[n];
      int[] length = new int[n];
      int[] labelStart = new int[n + 1];
      int[] boxStart = new int[n + 1];
      IntList labels = new IntList();
      IntList boxLabels = new IntList();
      FloatList boxes = new FloatList();
      int classes = d.classes().size();
      for (sample = 0; sample < n; sample++) {
        int s = in.getInt();
        if (s < 0 || s >= d.shards().size()) {
          throw bad(name, sample, "shard " + s + " outside [0, " + d.shards().size() + ")");
        }
        long at = in.getLong();
        int len = in.getInt();
        long shardBytes = d.shards().get(s).bytes();
        if (at < 0 || len < 0 || len > shardBytes || at > shardBytes - len) {
          throw bad(name, sample, "bytes [" + at + ", +" + len + ") outside " + d.shards().get(s).name()
              + "'s " + shardBytes);
        }
        shard[sample] = s;
        offset[sample] = at;
        length[sample] = len;
        int labelCount = in.getInt();
        if (labelCount < 0 || labelCount > d.maxLabels()) {
          throw bad(name, sample, labelCount + " labels, the descriptor allows " + d.maxLabels());
        }
        for (int k = 0; k < labelCount; k++) {
          labels.add(checkLabel(in.getInt(), classes, name, sample));
        }
        labelStart[sample + 1] = labels.size();
        int boxCount = in.getInt();
        if (boxCount < 0 || boxCount > d.maxBoxes()) {
          throw bad(name, sample, boxCount + " boxes, the descriptor allows " + d.maxBoxes());
        }
        for (int b = 0; b < boxCount; b++) {
          float x0 = in.getFloat();
          float y0 = in.getFloat();
          float x1 = in.getFloat();
          float y1 = in.getFloat();
          if (!(x0 < x1 && y0 < y1) || !Float.isFinite(x0) || !Float.isFinite(y0) || !Float.isFinite(x1)
              || !Float.isFinite(y1)) {
            throw bad(name, sample, "box " + b + " is degenerate or not finite");
          }
          boxes.add(x0);
          boxes.add(y0);
          boxes.add(x1);
          boxes.add(y1);
          boxLabels.add(checkLabel(in.getInt(), classes, name, sample));
        }
        boxStart[sample + 1] = boxLabels.size();
      }
      if (in.hasRemaining()) {
        throw new PackFormatException(name, in.remaining() + " bytes follow the last sample");
      }
      return new PackIndex(shard, offset, length, labelStart, labels.toArray(), boxStart, boxes.toArray(),
          boxLabels.toArray());
    } catch (BufferUnderflowException e) {
      throw new PackFormatException(name, sample < 0 ? "ends inside its header" : "ends inside sample " + sample);
    }
  }

  private static int checkLabel(int label, int classes, String name, int sample) {
    if (label < 0 || label >= classes) {
      throw bad(name, sample, "label " + label + " outside [0, " + classes + ")");
    }
    return label;
  }

  private static PackFormatException bad(String name, int sample, String what) {
    return new PackFormatException(name, "sample " + sample + ": " + what);
  }

  /**
   * Builds an index one sample at a time, in pack order.
   *
   * <pre>{@code
   * PackIndex.Builder b = new PackIndex.Builder();
   * b.add(0, 1536, 48_211, new int[] {3}, new float[0], new int[0]);
   * PackIndex index = b.build();
   * }</pre>
   */
  static final class Builder {
    private final IntList shard = new IntList();
    private final LongList offset = new LongList();
    private final IntList length = new IntList();
    private final IntList labelStart = new IntList();
    private final IntList labels = new IntList();
    private final IntList boxStart = new IntList();
    private final FloatList boxes = new FloatList();
    private final IntList boxLabels = new IntList();

    Builder() {
      labelStart.add(0);
      boxStart.add(0);
    }

    /** Adds the next sample: its image member's place, its labels, and its boxes (4 floats each) with their labels. */
    Builder add(int shardIndex, long dataOffset, int dataLength, int[] sampleLabels, float[] sampleBoxes,
        int[] sampleBoxLabels) {
      Checks.argument(sampleBoxes.length == 4 * sampleBoxLabels.length, "sampleBoxes", "must hold 4 floats per box label");
      shard.add(shardIndex);
      offset.add(dataOffset);
      length.add(dataLength);
      for (int label : sampleLabels) {
        labels.add(label);
      }
      labelStart.add(labels.size());
      for (float f : sampleBoxes) {
        boxes.add(f);
      }
      for (int label : sampleBoxLabels) {
        boxLabels.add(label);
      }
      boxStart.add(boxLabels.size());
      return this;
    }

    int size() {
      return shard.size();
    }

    PackIndex build() {
      return new PackIndex(shard.toArray(), offset.toArray(), length.toArray(), labelStart.toArray(),
          labels.toArray(), boxStart.toArray(), boxes.toArray(), boxLabels.toArray());
    }
  }

  /** A growable int array. */
  static final class IntList {
    private int[] values = new int[16];
    private int size;

    void add(int v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    int size() {
      return size;
    }

    int[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }

  /** A growable long array. */
  static final class LongList {
    private long[] values = new long[16];
    private int size;

    void add(long v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    long[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }

  /** A growable float array. */
  static final class FloatList {
    private float[] values = new float[16];
    private int size;

    void add(float v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    float[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }
}
