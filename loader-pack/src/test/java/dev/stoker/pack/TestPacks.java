package dev.stoker.pack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes small packs for tests, in the layout of {@link PackDescriptor}'s Javadoc, with a tiny
 * ustar writer of its own.
 *
 * <pre>{@code
 * List<TestPacks.Sample> samples = List.of(TestPacks.Sample.of(jpegBytes, 2));
 * PackDescriptor d = TestPacks.write(dir, samples, List.of("a", "b", "c"), 10);
 * }</pre>
 */
final class TestPacks {
  private TestPacks() {}

  /** One sample: its image member's bytes, labels, boxes (4 floats each) and their labels. */
  record Sample(byte[] image, int[] labels, float[] boxes, int[] boxLabels) {
    static Sample of(byte[] image, int label) {
      return new Sample(image, new int[] {label}, new float[0], new int[0]);
    }
  }

  /** {@code count} samples of {@code bytes} bytes each, sample i's bytes all {@code (byte) i}, label i % classes. */
  static List<Sample> filler(int count, int bytes, int classes) {
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] image = new byte[bytes + i % 7];
      java.util.Arrays.fill(image, (byte) i);
      samples.add(Sample.of(image, i % classes));
    }
    return samples;
  }

  /** {@code classes} class names {@code c0, c1, ...}. */
  static List<String> classes(int classes) {
    List<String> names = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      names.add("c" + c);
    }
    return names;
  }

  /** A JPEG pack of {@code samples}, {@code perShard} samples a shard, without boxes. */
  static PackDescriptor write(Path dir, List<Sample> samples, List<String> classes, int perShard) {
    return write(dir, samples, classes, perShard, PackDescriptor.JPEG);
  }

  /**
   * Writes shards, {@code index.bin} and {@code stoker-pack.json} into {@code dir}.
   *
   * @return the descriptor written
   */
  static PackDescriptor write(Path dir, List<Sample> samples, List<String> classes, int perShard, String format) {
    try {
      Files.createDirectories(dir);
      String ext = format.equals(PackDescriptor.JPEG) ? "jpg" : "rgb8";
      PackIndex.Builder index = new PackIndex.Builder();
      List<PackDescriptor.Shard> shards = new ArrayList<>();
      int maxLabels = 1;
      int maxBoxes = 0;
      boolean boxes = false;
      for (int first = 0, s = 0; first < samples.size(); first += perShard, s++) {
        Tar tar = new Tar();
        int last = Math.min(samples.size(), first + perShard);
        for (int i = first; i < last; i++) {
          Sample sample = samples.get(i);
          String key = PackDescriptor.key(i);
          long at = tar.add(key + "." + ext, sample.image());
          if (sample.labels().length > 0) {
            tar.add(key + ".cls", Integer.toString(sample.labels()[0]).getBytes(StandardCharsets.US_ASCII));
          }
          tar.add(key + ".json", ("{\"labels\":" + java.util.Arrays.toString(sample.labels()) + "}")
              .getBytes(StandardCharsets.UTF_8));
          index.add(s, at, sample.image().length, sample.labels(), sample.boxes(), sample.boxLabels());
          maxLabels = Math.max(maxLabels, sample.labels().length);
          maxBoxes = Math.max(maxBoxes, sample.boxLabels().length);
          boxes |= sample.boxLabels().length > 0;
        }
        byte[] bytes = tar.finish();
        Files.write(dir.resolve(PackDescriptor.shardName(s)), bytes);
        shards.add(new PackDescriptor.Shard(PackDescriptor.shardName(s), last - first, bytes.length, sha256(bytes)));
      }
      ByteArrayOutputStream indexBytes = new ByteArrayOutputStream();
      index.build().write(indexBytes);
      Files.write(dir.resolve(PackDescriptor.INDEX_NAME), indexBytes.toByteArray());
      PackDescriptor d = new PackDescriptor(PackDescriptor.VERSION, format, 0,
          format.equals(PackDescriptor.JPEG) ? 90 : 0, classes, boxes, maxBoxes, maxLabels, samples.size(), shards, 0,
          List.of(), "test", "2026-12-05T00:00:00Z", "test");
      writeDescriptor(dir, d);
      return d;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void writeDescriptor(Path dir, PackDescriptor d) throws IOException {
    Files.write(dir.resolve(PackDescriptor.FILE_NAME), DescriptorJson.write(d));
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** A minimal ustar writer: regular files only, names under 100 bytes. */
  static final class Tar {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Adds a member and returns the offset of its data. */
    long add(String name, byte[] data) {
      byte[] header = new byte[512];
      put(header, 0, name);
      put(header, 100, "0000644");
      put(header, 108, "0000000");
      put(header, 116, "0000000");
      put(header, 124, String.format("%011o", data.length));
      put(header, 136, String.format("%011o", 1_700_000_000L));
      java.util.Arrays.fill(header, 148, 156, (byte) ' ');
      header[156] = '0';
      put(header, 257, "ustar");
      put(header, 263, "00");
      int sum = 0;
      for (byte b : header) {
        sum += b & 0xFF;
      }
      put(header, 148, String.format("%06o", sum));
      header[154] = 0;
      out.writeBytes(header);
      long at = out.size();
      out.writeBytes(data);
      out.writeBytes(new byte[(512 - data.length % 512) % 512]);
      return at;
    }

    byte[] finish() {
      out.writeBytes(new byte[1024]);
      return out.toByteArray();
    }

    private static void put(byte[] header, int at, String text) {
      byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(bytes, 0, header, at, bytes.length);
    }
  }
}
