package dev.stoker.pack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stoker.api.SampleSource;
import dev.stoker.image.ImageShrinker;
import dev.stoker.image.JpegEncoder;
import dev.stoker.image.RawImage;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One source sample turned into its pack members: read, decoded, shrunk once (boxes scaled with
 * it), re-encoded as JPEG or kept as raw pixels, its {@code KEY.json} and {@code KEY.cls}. A
 * sample that cannot be read or decoded becomes a failure with a one-line reason (from the
 * decoder's or the source's message, which name the file and never echo its bytes). Thread-safe.
 */
final class SampleEncoder {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  /** The longest failure reason kept. */
  static final int MAX_REASON = 300;

  private final SampleSource source;
  private final ImageShrinker shrinker;
  private final JpegEncoder encoder;
  private final boolean raw;
  private final int quality;

  SampleEncoder(SampleSource source, ImageShrinker shrinker, JpegEncoder encoder, PackOptions options) {
    this.source = source;
    this.shrinker = shrinker;
    this.encoder = encoder;
    this.raw = options.format().equals(PackDescriptor.RAW);
    this.quality = options.quality();
  }

  /** A sample's members and index entry, or why it failed. */
  record Encoded(int sourceIndex, byte[] image, byte[] json, byte[] cls, int[] labels, float[] boxes,
      int[] boxLabels, long bytesIn, String failure) {
    boolean failed() {
      return failure != null;
    }
  }

  Encoded encode(int index) {
    String name = source.sourceName(index);
    try {
      ByteBuffer bytes = source.read(index);
      long bytesIn = bytes.remaining();
      ImageShrinker.Shrunk s = shrinker.shrink(bytes, name);
      byte[] image;
      if (raw) {
        image = s.raw().array();
        if (s.raw().arrayOffset() != 0 || image.length != s.raw().limit()) {
          image = Arrays.copyOfRange(image, s.raw().arrayOffset(), s.raw().arrayOffset() + s.raw().limit());
        }
      } else {
        MemorySegment pixels = MemorySegment.ofBuffer(s.raw())
            .asSlice(RawImage.HEADER_BYTES, (long) s.width() * s.height() * 3);
        image = encoder.encode(pixels, s.width(), s.height(), quality, name);
      }
      int[] labels = new int[source.maxLabelCount()];
      labels = Arrays.copyOf(labels, source.copyLabels(index, labels));
      float[] boxes = new float[0];
      int[] boxLabels = new int[0];
      if (source.hasBoxes() && source.maxBoxCount() > 0) {
        float[] b = new float[4 * source.maxBoxCount()];
        int[] l = new int[source.maxBoxCount()];
        int n = source.copyBoxes(index, b, l);
        float[] scaled = new float[4 * n];
        int[] kept = new int[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
          float x0 = (float) (b[4 * i] * s.scaleX());
          float y0 = (float) (b[4 * i + 1] * s.scaleY());
          float x1 = (float) (b[4 * i + 2] * s.scaleX());
          float y1 = (float) (b[4 * i + 3] * s.scaleY());
          if (x0 < x1 && y0 < y1) { // a box thinner than a float step after scaling is dropped
            scaled[4 * k] = x0;
            scaled[4 * k + 1] = y0;
            scaled[4 * k + 2] = x1;
            scaled[4 * k + 3] = y1;
            kept[k++] = l[i];
          }
        }
        boxes = Arrays.copyOf(scaled, 4 * k);
        boxLabels = Arrays.copyOf(kept, k);
      }
      int label = source.label(index);
      byte[] cls = label >= 0 ? Integer.toString(label).getBytes(StandardCharsets.US_ASCII) : null;
      return new Encoded(index, image, json(s.width(), s.height(), name, label, labels, boxes, boxLabels), cls,
          labels, boxes, boxLabels, bytesIn, null);
    } catch (IOException | RuntimeException e) {
      return new Encoded(index, null, null, null, null, null, null, 0, reason(e));
    }
  }

  /** One line, at most {@link #MAX_REASON} characters: the exception's message or its type. */
  static String reason(Throwable e) {
    String m = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    m = m.strip().replaceAll("[\\r\\n\\t]+", " ").replaceAll("\\p{Cntrl}", "?");
    return m.length() > MAX_REASON ? m.substring(0, MAX_REASON - 3) + "..." : m;
  }

  static byte[] json(int width, int height, String name, int label, int[] labels, float[] boxes, int[] boxLabels) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("width", width);
    o.put("height", height);
    o.put("source", name);
    o.put("label", label);
    ArrayNode l = o.putArray("labels");
    for (int v : labels) {
      l.add(v);
    }
    ArrayNode b = o.putArray("boxes");
    for (int i = 0; i < boxLabels.length; i++) {
      b.addArray().add(boxes[4 * i]).add(boxes[4 * i + 1]).add(boxes[4 * i + 2]).add(boxes[4 * i + 3]);
    }
    ArrayNode bl = o.putArray("box_labels");
    for (int v : boxLabels) {
      bl.add(v);
    }
    try {
      return MAPPER.writeValueAsBytes(o);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a sample's JSON", e);
    }
  }
}
