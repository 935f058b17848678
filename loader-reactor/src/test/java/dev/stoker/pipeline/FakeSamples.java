package dev.stoker.pipeline;

import dev.stoker.api.DecodeException;
import dev.stoker.api.DecodeRequest;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.ImageHeader;
import dev.stoker.api.SampleSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A dataset and a decoder that need no image codec: sample {@code i} "encodes" a constant
 * {@code SIZE x SIZE} image whose every byte is {@link #value(int)}, so the pipeline's output for
 * it (whatever the geometry) is that value in every byte, and a test can tell which sample landed
 * where.
 */
final class FakeSamples {
  static final int SIZE = 8;

  private FakeSamples() {}

  /** The pixel value of sample {@code index}. */
  static byte value(int index) {
    return (byte) (index * 7 + 3);
  }

  /** The label of sample {@code index}. */
  static int label(int index) {
    return index % 3;
  }

  /**
   * A source of {@code size} samples whose reads of {@code failing} indices throw and whose
   * {@code corrupt} indices read as bytes the decoder rejects.
   */
  static final class Source implements SampleSource {
    private final int size;
    private final Set<Integer> failing;
    private final Set<Integer> corrupt;
    final AtomicInteger reads = new AtomicInteger();

    Source(int size, Set<Integer> failing, Set<Integer> corrupt) {
      this.size = size;
      this.failing = Set.copyOf(failing);
      this.corrupt = Set.copyOf(corrupt);
    }

    Source(int size) {
      this(size, Set.of(), Set.of());
    }

    @Override
    public String description() {
      return "fake (" + size + " samples)";
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public String sourceName(int index) {
      return "fake://" + index;
    }

    @Override
    public int label(int index) {
      return FakeSamples.label(index);
    }

    @Override
    public List<String> classes() {
      return List.of("a", "b", "c");
    }

    @Override
    public ByteBuffer read(int index) throws IOException {
      reads.incrementAndGet();
      if (failing.contains(index)) {
        throw new IOException(sourceName(index) + ": cannot read: disk on fire");
      }
      if (corrupt.contains(index)) {
        return ByteBuffer.wrap(new byte[] {1, 2, 3});
      }
      return ByteBuffer.allocate(8).putInt(0, index).putInt(4, 0xFACE);
    }
  }

  /**
   * A detection source over {@link Source}'s images: sample {@code i} has {@link #boxesOf(int)}
   * boxes, box {@code k} being {@link #box(int, int)} with label {@code (i + k) % 3}.
   */
  static final class BoxSource implements SampleSource {
    private final Source images;

    BoxSource(int size) {
      this.images = new Source(size);
    }

    /** Boxes of sample {@code index}: 0 to 3. */
    static int boxesOf(int index) {
      return index % 4;
    }

    /** Box {@code k} of sample {@code index}, inside the {@code SIZE x SIZE} image. */
    static float[] box(int index, int k) {
      return new float[] {k, k + 0.5f, k + 2 + index % 3, SIZE - k * 0.25f};
    }

    @Override
    public String description() {
      return "fake boxes (" + size() + " samples)";
    }

    @Override
    public int size() {
      return images.size();
    }

    @Override
    public String sourceName(int index) {
      return images.sourceName(index);
    }

    @Override
    public int label(int index) {
      return boxesOf(index) == 0 ? -1 : index % 3;
    }

    @Override
    public List<String> classes() {
      return images.classes();
    }

    @Override
    public ByteBuffer read(int index) throws IOException {
      return images.read(index);
    }

    @Override
    public boolean hasBoxes() {
      return true;
    }

    @Override
    public int maxBoxCount() {
      return 3;
    }

    @Override
    public int boxCount(int index) {
      return boxesOf(index);
    }

    @Override
    public int copyBoxes(int index, float[] boxes, int[] labels) {
      for (int k = 0; k < boxesOf(index); k++) {
        System.arraycopy(box(index, k), 0, boxes, 4 * k, 4);
        labels[k] = (index + k) % 3;
      }
      return boxesOf(index);
    }
  }

  /** Decodes what {@link Source} reads; a buffer without the marker is a decode error. */
  static final class Decoder implements ImageDecoder {
    @Override
    public String name() {
      return "fake";
    }

    @Override
    public ImageHeader readHeader(ByteBuffer encoded, String source) {
      if (encoded.remaining() != 8 || encoded.getInt(encoded.position() + 4) != 0xFACE) {
        throw new DecodeException(source, "not a fake image");
      }
      return new ImageHeader(SIZE, SIZE, "fake");
    }

    @Override
    public void decode(ByteBuffer encoded, DecodeRequest request, ImageBuffer destination, String source) {
      readHeader(encoded, source);
      int index = encoded.getInt(encoded.position());
      destination.reshape(request.region().width(), request.region().height(), 3).fill(value(index));
    }
  }
}
