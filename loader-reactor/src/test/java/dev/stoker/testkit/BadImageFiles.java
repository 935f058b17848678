package dev.stoker.testkit;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Generates, byte for byte the same on every run, the kinds of bad file a loader must survive:
 * the corpus's {@code bad/} directory (see {@code make_corpus.py}) without needing the corpus.
 * Shared with other modules through loader-reactor's test jar.
 *
 * <pre>{@code
 * List<Path> bad = BadImageFiles.writeAll(classDir);   // one file per Kind, named Kind.fileName()
 * byte[] jpeg = BadImageFiles.goodJpeg(160, 120, 7);  // a clean photo-like JPEG
 * }</pre>
 */
public final class BadImageFiles {
  /** Width of the JPEG that the truncated and flipped files are made from. */
  public static final int BASE_WIDTH = 320;
  /** Height of the JPEG that the truncated and flipped files are made from. */
  public static final int BASE_HEIGHT = 240;

  private static final long SEED = 1234;
  private static final int FLIPS = 64;

  /** One kind of bad file, its file name, and whether libjpeg decodes it with warnings. */
  public enum Kind {
    /** Zero bytes. */
    EMPTY("empty.jpg", false),
    /** The first 40 bytes of a JPEG: SOI, JFIF and part of a table, no frame. */
    TRUNCATED_HEADER("truncated-header.jpg", false),
    /** The first half of a baseline JPEG: libjpeg warns "Premature end of JPEG file". */
    TRUNCATED_HALF("truncated-half.jpg", true),
    /** 4096 random bytes named .jpg. */
    RANDOM_BYTES("random-bytes.jpg", false),
    /** Plain text named .png. */
    TEXT_NAMED_PNG("text-named.png", false),
    /** A baseline JPEG with bytes of its entropy-coded segment inverted: libjpeg warns. */
    FLIPPED_BYTES("flipped-bytes.jpg", true),
    /** A PNG whose IHDR (valid CRC) claims 60000 x 60000 pixels, 10.8 GB once decoded. */
    PNG_BOMB("bomb-60000x60000.png", false),
    /** A valid PNG with its IHDR CRC damaged. */
    BAD_CRC("bad-crc.png", false);

    private final String fileName;
    private final boolean corruptDataOnly;

    Kind(String fileName, boolean corruptDataOnly) {
      this.fileName = fileName;
      this.corruptDataOnly = corruptDataOnly;
    }

    /** The file name {@link #write} gives it. */
    public String fileName() {
      return fileName;
    }

    /**
     * Whether libjpeg gets through it with corrupt-data warnings rather than an error: a strict
     * decoder fails it, a lenient one delivers its best effort.
     */
    public boolean corruptDataOnly() {
      return corruptDataOnly;
    }
  }

  private BadImageFiles() {}

  /** The bytes of one kind of bad file; the same bytes on every call. */
  public static byte[] bytes(Kind kind) {
    return switch (kind) {
      case EMPTY -> new byte[0];
      case TRUNCATED_HEADER -> Arrays.copyOf(baseJpeg(), 40);
      case TRUNCATED_HALF -> {
        byte[] base = baseJpeg();
        yield Arrays.copyOf(base, base.length / 2);
      }
      case RANDOM_BYTES -> randomBytes();
      case TEXT_NAMED_PNG -> "this is not an image\n".repeat(10).getBytes(StandardCharsets.US_ASCII);
      case FLIPPED_BYTES -> flipped(baseJpeg());
      case PNG_BOMB -> pngClaiming(60000, 60000);
      case BAD_CRC -> badCrc();
    };
  }

  /** Writes one bad file into {@code dir} (created if missing) and returns its path. */
  public static Path write(Kind kind, Path dir) {
    try {
      Files.createDirectories(dir);
      return Files.write(dir.resolve(kind.fileName()), bytes(kind));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes every kind into {@code dir}; the paths in {@link Kind} order. */
  public static List<Path> writeAll(Path dir) {
    List<Path> paths = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      paths.add(write(kind, dir));
    }
    return paths;
  }

  /** A clean baseline JPEG (quality 0.9, 4:2:0) of a photo-like picture drawn from {@code seed}. */
  public static byte[] goodJpeg(int width, int height, long seed) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(0.9f);
      writer.setOutput(out);
      writer.write(null, new IIOImage(picture(width, height, seed), null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  /** A clean PNG of the same kind of picture. */
  public static byte[] goodPng(int width, int height, long seed) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      ImageIO.write(picture(width, height, seed), "png", bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * The offsets {@code [start, end)} of the first scan's entropy-coded data in a JPEG: after the
   * SOS segment, up to the next marker that is neither a stuffed byte nor a restart marker.
   */
  public static int[] entropyCodedSegment(byte[] jpeg) {
    int i = 2;
    while (i + 4 <= jpeg.length) {
      if ((jpeg[i] & 0xFF) != 0xFF) {
        throw new IllegalArgumentException("no marker at " + i);
      }
      int marker = jpeg[i + 1] & 0xFF;
      int length = (jpeg[i + 2] & 0xFF) << 8 | (jpeg[i + 3] & 0xFF);
      if (marker == 0xDA) {
        int start = i + 2 + length;
        int end = start;
        while (end + 1 < jpeg.length) {
          int next = jpeg[end + 1] & 0xFF;
          if ((jpeg[end] & 0xFF) == 0xFF && next != 0x00 && (next < 0xD0 || next > 0xD7)) {
            break;
          }
          end++;
        }
        return new int[] {start, end};
      }
      i += 2 + length;
    }
    throw new IllegalArgumentException("no SOS marker");
  }

  private static byte[] baseJpeg() {
    return goodJpeg(BASE_WIDTH, BASE_HEIGHT, SEED);
  }

  /**
   * Inverts {@value #FLIPS} bytes spread over the whole entropy-coded segment, never a 0xFF, a
   * 0x00 (it would become 0xFF) or the byte after a 0xFF: markers stay where they were, only the
   * Huffman bits change, so libjpeg reads to the end with warnings instead of failing.
   */
  private static byte[] flipped(byte[] jpeg) {
    byte[] out = jpeg.clone();
    int[] segment = entropyCodedSegment(jpeg);
    SplittableRandom random = new SplittableRandom(SEED);
    int flipped = 0;
    while (flipped < FLIPS) {
      int i = random.nextInt(segment[0] + 1, segment[1] - 1);
      int v = out[i] & 0xFF;
      if (v != 0xFF && v != 0x00 && (out[i - 1] & 0xFF) != 0xFF && out[i] == jpeg[i]) {
        out[i] = (byte) (v ^ 0xFF);
        flipped++;
      }
    }
    return out;
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[4096];
    new SplittableRandom(SEED).nextBytes(bytes);
    bytes[0] = 0x42; // neither JPEG's 0xFF nor PNG's 0x89, whatever the seed gives
    return bytes;
  }

  private static byte[] badCrc() {
    byte[] png = goodPng(64, 64, SEED + 1);
    png[8 + 8 + 13] ^= 0x55; // first byte of IHDR's CRC: signature, length + type, 13 data bytes
    return png;
  }

  /** A PNG whose IHDR claims the given size, all CRCs valid, with one tiny IDAT. */
  private static byte[] pngClaiming(int width, int height) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height);
    ihdr.put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0); // 8-bit RGB
    chunk(out, "IHDR", ihdr.array());
    Deflater deflater = new Deflater(9);
    deflater.setInput(new byte[1 + 3 * 64]); // the start of the first row: filter 0, black pixels
    deflater.finish();
    byte[] idat = new byte[256];
    int n = deflater.deflate(idat);
    deflater.end();
    chunk(out, "IDAT", Arrays.copyOf(idat, n));
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(t);
    out.writeBytes(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  /** Gradients, hard-edged shapes and mild noise, so the JPEG has realistic entropy-coded data. */
  private static BufferedImage picture(int width, int height, long seed) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    SplittableRandom random = new SplittableRandom(seed);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int n = random.nextInt(-8, 9);
        int r = clamp(255 * x / Math.max(1, width - 1) + n);
        int g = clamp(255 * y / Math.max(1, height - 1) - n);
        int b = clamp((int) (128 + 100 * Math.sin((x + 2 * y) / 13.0)) + n);
        image.setRGB(x, y, r << 16 | g << 8 | b);
      }
    }
    Graphics2D g = image.createGraphics();
    for (int i = 0; i < 10; i++) {
      g.setColor(new Color(random.nextInt(1 << 24)));
      int size = 4 + random.nextInt(Math.max(5, Math.min(width, height) / 3));
      g.fillRect(random.nextInt(width), random.nextInt(height), size, size / 2 + 1);
    }
    g.dispose();
    return image;
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }
}
