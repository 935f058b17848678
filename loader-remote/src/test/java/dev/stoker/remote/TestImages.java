package dev.stoker.remote;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Small generated datasets for the node tests. */
final class TestImages {
  private TestImages() {}

  /**
   * Writes an ImageFolder of {@code images} JPEGs of different sizes in three classes under
   * {@code root}, plus {@code class1/broken.jpg}, which no decoder can read.
   */
  static Path imageFolder(Path root, int images) throws IOException {
    for (int i = 0; i < images; i++) {
      Path dir = Files.createDirectories(root.resolve("class" + i % 3));
      BufferedImage image = new BufferedImage(60 + 3 * i, 40 + 2 * i, BufferedImage.TYPE_3BYTE_BGR);
      Graphics2D g = image.createGraphics();
      g.setPaint(new GradientPaint(0, 0, new Color(i * 9 % 256, 40, 200), image.getWidth(), image.getHeight(),
          Color.GREEN));
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      g.dispose();
      ImageIO.write(image, "jpeg", dir.resolve(i + ".jpg").toFile());
    }
    Files.write(root.resolve("class1").resolve("broken.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3});
    return root;
  }
}
