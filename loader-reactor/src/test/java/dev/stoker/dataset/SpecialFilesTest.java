package dev.stoker.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Only regular files are read, and only up to a size cap: a FIFO (whose open would wait for a
 * writer forever), {@code /dev/zero} (endless) and an oversized file each fail their sample at once
 * with an error naming the file, and are skipped with a warning where a listing meets them. The
 * timeouts guard against a hang (the test thread would be stuck in {@code open}); they are not a
 * speed target.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SpecialFilesTest {
  private static final Path DEV_ZERO = Path.of("/dev/zero");

  @TempDir
  Path tmp;
  private Path root;
  private Path cats;

  @BeforeEach
  void layout() throws IOException {
    root = Files.createDirectories(tmp.resolve("train"));
    cats = Files.createDirectories(root.resolve("cat"));
    Files.writeString(cats.resolve("a.jpg"), "bytes of a");
  }

  private static void mkfifo(Path path) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
    } catch (IOException e) {
      assumeTrue(false, "no mkfifo here: " + e);
      return;
    }
    assumeTrue(p.waitFor() == 0 && Files.exists(path), "mkfifo failed");
  }

  private static void zeroLink(Path link) throws IOException {
    assumeTrue(Files.exists(DEV_ZERO), "no /dev/zero here");
    Files.createSymbolicLink(link, DEV_ZERO);
  }

  @Test
  void imageFolderOpen_fifoAndDevZeroNamedAsImages_skippedWithAWarning() throws Exception {
    mkfifo(cats.resolve("pipe.jpg"));
    zeroLink(cats.resolve("zero.jpg"));

    ImageFolderSource source = ImageFolderSource.open(root);

    assertThat(source.size()).isOne();
    assertThat(source.warnings()).containsExactlyInAnyOrder(
        cats.resolve("pipe.jpg") + ": not a regular file (a FIFO, device or socket); skipped",
        cats.resolve("zero.jpg") + ": not a regular file (a FIFO, device or socket); skipped");
  }

  @Test
  void imageFolderRead_fileSwappedForAFifoAfterListing_failsAtOnceNamingIt() throws Exception {
    ImageFolderSource source = ImageFolderSource.open(root);
    Path file = source.imagePath(0);
    Files.delete(file);
    mkfifo(file);

    assertThatThrownBy(() -> source.read(0, null)).isInstanceOf(IOException.class)
        .hasMessage(file + ": refused: not a regular file (a FIFO)");
    assertThatThrownBy(() -> source.read(0)).isInstanceOf(IOException.class)
        .hasMessage(file + ": refused: not a regular file (a FIFO)");
  }

  @Test
  void imageFolderRead_fileSwappedForALinkToDevZero_failsAtOnceNamingIt() throws Exception {
    ImageFolderSource source = ImageFolderSource.open(root);
    Path file = source.imagePath(0);
    Files.delete(file);
    zeroLink(file);

    assertThatThrownBy(() -> source.read(0, ByteBuffer.allocateDirect(1 << 20))).isInstanceOf(IOException.class)
        .hasMessage(file + ": refused: not a regular file (a character device)");
  }

  @Test
  void cocoRead_fileNameIsAFifoInsideTheImageDirectory_failsAtOnceNamingIt() throws Exception {
    Path images = Files.createDirectories(tmp.resolve("images"));
    mkfifo(images.resolve("pipe.jpg"));
    Path json = Files.writeString(tmp.resolve("ann.json"), "{\"images\": [{\"id\": 1, \"file_name\": \"pipe.jpg\"}],"
        + " \"annotations\": [], \"categories\": [{\"id\": 1, \"name\": \"x\"}]}");

    CocoSource source = CocoSource.open(json, images);

    assertThatThrownBy(() -> source.read(0, null)).isInstanceOf(IOException.class)
        .hasMessage(images.resolve("pipe.jpg") + ": refused: not a regular file (a FIFO)");
  }

  @Test
  void manifestOpen_fifoAndDevZeroRows_skippedAsNotRegularFiles() throws Exception {
    mkfifo(root.resolve("pipe.jpg"));
    Path csv = Files.writeString(root.resolve("m.csv"), "path,label\ncat/a.jpg,0\npipe.jpg,0\n" + DEV_ZERO + ",0\n");

    ManifestSource source = ManifestSource.open(csv, SourceOptions.DEFAULT.withPathsOutside(true));

    assertThat(source.size()).isOne();
    assertThat(source.warnings()).containsExactly(
        csv + ":3: " + root.resolve("pipe.jpg") + ": not a regular file; row skipped",
        csv + ":4: " + DEV_ZERO + ": not a regular file; row skipped");
  }

  @Test
  void read_fileOverTheCap_failsNamingFileAndCapBeforeAllocating() throws IOException {
    Files.write(cats.resolve("b.jpg"), new byte[2000]);
    ImageFolderSource source = ImageFolderSource.open(root, SourceOptions.DEFAULT.withMaxImageBytes(1000));
    Path big = source.imagePath(1);
    String expected = big + ": 2000 bytes, over the limit of 1000 bytes per image "
        + "(SourceOptions.maxImageBytes, stoker --max-image-bytes)";

    assertThatThrownBy(() -> source.read(1)).isInstanceOf(IOException.class).hasMessage(expected);
    assertThatThrownBy(() -> source.read(1, null)).isInstanceOf(IOException.class).hasMessage(expected);
    assertThatThrownBy(() -> source.read(1, ByteBuffer.allocateDirect(4096))).hasMessage(expected);
    assertThat(source.read(0, null).remaining()).as("a file under the cap").isEqualTo(10);
  }

  @Test
  void read_sparseFileOverTheDefaultCap_failsWithoutReadingIt() throws IOException {
    Path huge = cats.resolve("huge.jpg");
    try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
      f.setLength(SourceOptions.DEFAULT_MAX_IMAGE_BYTES + 1); // sparse: no disk used
    }
    ImageFolderSource source = ImageFolderSource.open(root);
    int index = source.imagePath(0).equals(huge) ? 0 : 1;

    assertThatThrownBy(() -> source.read(index, null)).isInstanceOf(IOException.class)
        .hasMessage(huge + ": " + (SourceOptions.DEFAULT_MAX_IMAGE_BYTES + 1) + " bytes, over the limit of "
            + SourceOptions.DEFAULT_MAX_IMAGE_BYTES + " bytes per image (SourceOptions.maxImageBytes, "
            + "stoker --max-image-bytes)");
  }
}
