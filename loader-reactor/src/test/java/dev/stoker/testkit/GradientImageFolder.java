package dev.stoker.testkit;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * A small generated ImageFolder dataset: {@code images} JPEGs of growing sizes, image {@code i}
 * in {@code class<i % classes>/<prefix><i>.jpg}, a gradient from {@code (i * redStep % 256,
 * green, blue)} to a second colour; optionally one {@code broken.jpg} no decoder can read. The same
 * bytes on every run. Shared with other modules through loader-reactor's test jar.
 *
 * <pre>{@code
 * // 23 images in class0..class2, 70x50 growing by 3x2 pixels each, plus class1/broken.jpg
 * Path root = GradientImageFolder.of(23).size(70, 50, 3, 2).withBroken().writeTo(tempDir);
 * }</pre>
 *
 * <p>Defaults: 3 classes, {@code 60x40} growing by {@code 3x2}, gradient {@code (9i, 40, 200)} to
 * green, no prefix, no broken file.
 */
public final class GradientImageFolder {
  /** The bytes of {@code broken.jpg}: a JPEG start-of-image marker and nothing decodable. */
  public static final byte[] BROKEN_JPEG = {(byte) 0xFF, (byte) 0xD8, 1, 2, 3};

  private final int images;
  private final int classes;
  private final int width;
  private final int height;
  private final int widthStep;
  private final int heightStep;
  private final int redStep;
  private final int green;
  private final int blue;
  private final Color to;
  private final String prefix;
  private final int brokenClass;

  private GradientImageFolder(int images, int classes, int width, int height, int widthStep, int heightStep,
      int redStep, int green, int blue, Color to, String prefix, int brokenClass) {
    this.images = images;
    this.classes = classes;
    this.width = width;
    this.height = height;
    this.widthStep = widthStep;
    this.heightStep = heightStep;
    this.redStep = redStep;
    this.green = green;
    this.blue = blue;
    this.to = to;
    this.prefix = prefix;
    this.brokenClass = brokenClass;
  }

  /** {@code images} good JPEGs with the defaults. */
  public static GradientImageFolder of(int images) {
    return new GradientImageFolder(images, 3, 60, 40, 3, 2, 9, 40, 200, Color.GREEN, "", -1);
  }

  /** Spreads the images over {@code classes} class directories, image {@code i} in {@code i % classes}. */
  public GradientImageFolder classes(int classes) {
    return new GradientImageFolder(images, classes, width, height, widthStep, heightStep, redStep, green, blue, to,
        prefix, brokenClass);
  }

  /** Image {@code i} is {@code (width + widthStep * i) x (height + heightStep * i)} pixels. */
  public GradientImageFolder size(int width, int height, int widthStep, int heightStep) {
    return new GradientImageFolder(images, classes, width, height, widthStep, heightStep, redStep, green, blue, to,
        prefix, brokenClass);
  }

  /** Image {@code i} runs from {@code (i * redStep % 256, green, blue)} at the top left to {@code to}. */
  public GradientImageFolder gradient(int redStep, int green, int blue, Color to) {
    return new GradientImageFolder(images, classes, width, height, widthStep, heightStep, redStep, green, blue, to,
        prefix, brokenClass);
  }

  /** Names image {@code i} {@code <prefix><i>.jpg} (default: no prefix). */
  public GradientImageFolder prefix(String prefix) {
    return new GradientImageFolder(images, classes, width, height, widthStep, heightStep, redStep, green, blue, to,
        prefix, brokenClass);
  }

  /** Adds {@code class1/broken.jpg} ({@link #BROKEN_JPEG}). */
  public GradientImageFolder withBroken() {
    return withBroken(1);
  }

  /** Adds {@code class<classIndex>/broken.jpg} ({@link #BROKEN_JPEG}). */
  public GradientImageFolder withBroken(int classIndex) {
    if (classIndex < 0 || classIndex >= Math.min(classes, images)) {
      throw new IllegalArgumentException("no class " + classIndex + " to hold broken.jpg");
    }
    return new GradientImageFolder(images, classes, width, height, widthStep, heightStep, redStep, green, blue, to,
        prefix, classIndex);
  }

  /** How many files {@link #writeTo} writes: the good images plus the broken one, if any. */
  public int files() {
    return images + (brokenClass >= 0 ? 1 : 0);
  }

  /** Writes the dataset under {@code root} (created if missing) and returns {@code root}. */
  public Path writeTo(Path root) {
    try {
      for (int i = 0; i < images; i++) {
        Path dir = Files.createDirectories(root.resolve("class" + i % classes));
        BufferedImage image = new BufferedImage(width + widthStep * i, height + heightStep * i,
            BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(0, 0, new Color(i * redStep % 256, green, blue), image.getWidth(),
            image.getHeight(), to));
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.dispose();
        ImageIO.write(image, "jpeg", dir.resolve(prefix + i + ".jpg").toFile());
      }
      if (brokenClass >= 0) {
        Files.write(root.resolve("class" + brokenClass).resolve("broken.jpg"), BROKEN_JPEG);
      }
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
