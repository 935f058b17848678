package dev.stoker.image;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes PNGs byte by byte for the PNG reader tests, with what ImageIO's writer does not choose:
 * every color type and bit depth, every row filter (row {@code r} of each pass uses filter
 * {@code r % 5}), Adam7, the image data split into IDAT chunks of any size, and extra chunks.
 *
 * <pre>{@code
 * TestPngWriter.Image image = TestPngWriter.random(33, 17, 0, 4, 1L);
 * byte[] png = TestPngWriter.encode(image, false, 100, List.of());
 * }</pre>
 */
final class TestPngWriter {
  /** The Adam7 passes: first column, first row, column step, row step. */
  private static final int[][] ADAM7 = {
      {0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}};

  private TestPngWriter() {}

  /** A chunk to write before the image data. */
  record Chunk(String type, byte[] data) {}

  /**
   * An image as the file stores it: {@code channels(colorType)} samples of {@code depth} bits per
   * pixel, row-major; palette: RGB triplets (color type 3), else null.
   */
  record Image(int width, int height, int colorType, int depth, int[] samples, byte[] palette) {}

  static int channels(int colorType) {
    return switch (colorType) {
      case 2 -> 3;
      case 4 -> 2;
      case 6 -> 4;
      default -> 1;
    };
  }

  /** An image of random samples; a palette image gets a random palette of 2^depth entries. */
  static Image random(int width, int height, int colorType, int depth, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[] samples = new int[width * height * channels(colorType)];
    for (int i = 0; i < samples.length; i++) {
      // smooth runs with noise, so that every filter sees both small and large differences
      samples[i] = i % 7 == 0 ? random.nextInt(1 << depth) : (i * 31 / 5) & ((1 << depth) - 1);
    }
    byte[] palette = null;
    if (colorType == 3) {
      palette = new byte[3 << depth];
      random.nextBytes(palette);
    }
    return new Image(width, height, colorType, depth, samples, palette);
  }

  /** The PNG file: signature, IHDR, the extra chunks, PLTE, IDAT chunks of idatSize bytes, IEND. */
  static byte[] encode(Image image, boolean interlaced, int idatSize, List<Chunk> extra) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(image.width()).putInt(image.height());
    ihdr.put((byte) image.depth()).put((byte) image.colorType()).put((byte) 0).put((byte) 0)
        .put((byte) (interlaced ? 1 : 0));
    chunk(out, "IHDR", ihdr.array());
    for (Chunk c : extra) {
      chunk(out, c.type(), c.data());
    }
    if (image.palette() != null) {
      chunk(out, "PLTE", image.palette());
    }
    byte[] z = deflate(filtered(image, interlaced));
    for (int p = 0; p < z.length; p += idatSize) {
      chunk(out, "IDAT", Arrays.copyOfRange(z, p, Math.min(z.length, p + idatSize)));
    }
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  /** The zlib stream's content: each pass's rows, each a filter byte and the filtered row. */
  static byte[] filtered(Image image, boolean interlaced) {
    int[][] passes = interlaced ? ADAM7 : new int[][] {{0, 0, 1, 1}};
    int channels = channels(image.colorType());
    int bpp = Math.max(1, channels * image.depth() / 8);
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    for (int[] pass : passes) {
      int pw = (image.width() - pass[0] + pass[2] - 1) / pass[2];
      int ph = (image.height() - pass[1] + pass[3] - 1) / pass[3];
      if (pw <= 0 || ph <= 0) {
        continue;
      }
      byte[] prior = new byte[(pw * channels * image.depth() + 7) / 8];
      for (int r = 0; r < ph; r++) {
        byte[] row = packRow(image, pass[1] + r * pass[3], pass[0], pass[2], pw);
        int filter = r % 5;
        raw.write(filter);
        raw.writeBytes(filter(filter, row, prior, bpp));
        prior = row;
      }
    }
    return raw.toByteArray();
  }

  private static byte[] packRow(Image image, int y, int x0, int dx, int count) {
    int channels = channels(image.colorType());
    int depth = image.depth();
    byte[] row = new byte[(count * channels * depth + 7) / 8];
    int bit = 0;
    for (int i = 0; i < count; i++) {
      int base = (y * image.width() + x0 + i * dx) * channels;
      for (int c = 0; c < channels; c++) {
        int v = image.samples()[base + c];
        if (depth == 16) {
          row[bit / 8] = (byte) (v >> 8);
          row[bit / 8 + 1] = (byte) v;
        } else {
          row[bit / 8] |= (byte) (v << (8 - depth - bit % 8));
        }
        bit += depth;
      }
    }
    return row;
  }

  private static byte[] filter(int type, byte[] row, byte[] prior, int bpp) {
    byte[] out = new byte[row.length];
    for (int i = 0; i < row.length; i++) {
      int a = i >= bpp ? row[i - bpp] & 0xFF : 0;
      int b = prior[i] & 0xFF;
      int c = i >= bpp ? prior[i - bpp] & 0xFF : 0;
      int predictor = switch (type) {
        case 1 -> a;
        case 2 -> b;
        case 3 -> (a + b) >> 1;
        case 4 -> paeth(a, b, c);
        default -> 0;
      };
      out[i] = (byte) (row[i] - predictor);
    }
    return out;
  }

  private static int paeth(int a, int b, int c) {
    int pa = Math.abs(b - c);
    int pb = Math.abs(a - c);
    int pc = Math.abs(a + b - 2 * c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
  }

  static byte[] deflate(byte[] data) {
    Deflater deflater = new Deflater(6);
    deflater.setInput(data);
    deflater.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    while (!deflater.finished()) {
      out.write(buffer, 0, deflater.deflate(buffer));
    }
    deflater.end();
    return out.toByteArray();
  }

  static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(t);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  /** Offsets of each chunk of the given type: where its length field starts. */
  static List<Integer> chunkOffsets(byte[] png, String type) {
    List<Integer> offsets = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(png);
    for (int p = 8; p + 12 <= png.length; p += 12 + b.getInt(p)) {
      if (new String(png, p + 4, 4, StandardCharsets.US_ASCII).equals(type)) {
        offsets.add(p);
      }
    }
    return offsets;
  }
}
