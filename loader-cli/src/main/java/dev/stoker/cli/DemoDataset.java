package dev.stoker.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Makes the demo's dataset: an ImageFolder tree of synthetic JPEGs in classes that differ visibly
 * (each class has its own hue and shape), with random sizes, positions and noise. Deterministic:
 * the same version makes the same files. Reused when already complete.
 */
final class DemoDataset {
  /** Bump when the generator changes, so old caches are rebuilt. */
  private static final String VERSION = "1";
  static final List<String> CLASSES = List.of("red-disc", "green-square", "blue-stripes", "yellow-ring",
      "purple-cross", "cyan-triangle");
  private static final Color[] HUES = {new Color(220, 40, 40), new Color(40, 180, 60), new Color(40, 70, 220),
      new Color(230, 200, 30), new Color(150, 40, 180), new Color(30, 200, 210)};

  private DemoDataset() {}

  /** The default location, {@code ~/.cache/stoker/demo}. */
  static Path defaultDir() {
    return Path.of(System.getProperty("user.home"), ".cache", "stoker", "demo");
  }

  /**
   * Makes {@code perClass} images per class under {@code dir}, unless a complete dataset of this
   * version is already there.
   *
   * @return true if images were written, false if the cache was reused
   */
  static boolean ensure(Path dir, int perClass) {
    Path marker = dir.resolve(".complete");
    String expected = VERSION + " " + perClass;
    try {
      if (Files.exists(marker) && Files.readString(marker).strip().equals(expected)) {
        return false;
      }
      // the marker goes first: a generation cut short must never pass for a complete set
      Files.deleteIfExists(marker);
      for (int c = 0; c < CLASSES.size(); c++) {
        Path classDir = Files.createDirectories(dir.resolve(CLASSES.get(c)));
        removeGeneratedFrom(classDir, perClass);
        for (int i = 0; i < perClass; i++) {
          SplittableRandom random = new SplittableRandom(c * 1_000_003L + i);
          BufferedImage image = draw(c, random);
          writeJpeg(image, classDir.resolve(String.format("%04d.jpg", i)));
        }
      }
      Files.writeString(marker, expected);
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the demo dataset under " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Deletes the images an earlier, larger generation left in {@code classDir} (names {@code NNNN.jpg}
   * numbered {@code perClass} or more), so a smaller {@code --per-class} delivers exactly its count.
   * Files of any other name are not this generator's and stay.
   */
  private static void removeGeneratedFrom(Path classDir, int perClass) throws IOException {
    try (var entries = Files.newDirectoryStream(classDir, "[0-9][0-9][0-9][0-9].jpg")) {
      for (Path file : entries) {
        String name = file.getFileName().toString();
        if (Integer.parseInt(name.substring(0, 4)) >= perClass) {
          Files.delete(file);
        }
      }
    }
  }

  private static BufferedImage draw(int cls, SplittableRandom random) {
    int width = 320 + random.nextInt(260);
    int height = 240 + random.nextInt(220);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    int gray = 90 + random.nextInt(80);
    g.setColor(new Color(gray, gray, gray));
    g.fillRect(0, 0, width, height);
    Color hue = jitter(HUES[cls], random);
    g.setColor(hue);
    int size = Math.min(width, height) * (55 + random.nextInt(30)) / 100;
    int x = random.nextInt(Math.max(1, width - size));
    int y = random.nextInt(Math.max(1, height - size));
    switch (cls) {
      case 0 -> g.fillOval(x, y, size, size);
      case 1 -> g.fillRect(x, y, size, size);
      case 2 -> {
        for (int sx = 0; sx < width; sx += 28) {
          g.fillRect(sx, 0, 14, height);
        }
      }
      case 3 -> {
        g.setStroke(new BasicStroke(size / 7f));
        g.drawOval(x, y, size, size);
      }
      case 4 -> {
        g.fillRect(x + size / 3, y, size / 3, size);
        g.fillRect(x, y + size / 3, size, size / 3);
      }
      default -> g.fillPolygon(new int[] {x, x + size, x + size / 2}, new int[] {y + size, y + size, y}, 3);
    }
    g.dispose();
    addNoise(image, random);
    return image;
  }

  private static Color jitter(Color c, SplittableRandom random) {
    return new Color(clamp(c.getRed() + random.nextInt(-25, 26)), clamp(c.getGreen() + random.nextInt(-25, 26)),
        clamp(c.getBlue() + random.nextInt(-25, 26)));
  }

  private static void addNoise(BufferedImage image, SplittableRandom random) {
    byte[] data = ((java.awt.image.DataBufferByte) image.getRaster().getDataBuffer()).getData();
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) clamp((data[i] & 0xFF) + random.nextInt(-12, 13));
    }
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }

  /** Writes {@code image} as a quality-0.9 JPEG, atomically (through a temporary file). */
  static void writeJpeg(BufferedImage image, Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try (OutputStream out = Files.newOutputStream(tmp); ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(0.9f);
      writer.setOutput(ios);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
