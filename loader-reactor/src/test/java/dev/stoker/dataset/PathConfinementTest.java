package dev.stoker.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stoker.api.LoaderException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Datasets cannot name files outside themselves: COCO and VOC names and manifest paths that are
 * absolute or leave the directory are skipped with a warning, a symbolic link that leads outside
 * fails its read, and a manifest names files anywhere only when opened with
 * {@link SourceOptions#allowPathsOutside()}.
 */
class PathConfinementTest {
  private static final String SECRET = "SECRET-CONTENT-do-not-serve";

  @TempDir
  Path tmp;
  private Path data;
  private Path images;
  private Path secret;

  @BeforeEach
  void layout() throws IOException {
    data = Files.createDirectories(tmp.resolve("data"));
    images = Files.createDirectories(data.resolve("images"));
    Files.writeString(images.resolve("a.jpg"), "bytes of a");
    secret = Files.createDirectories(tmp.resolve("secret")).resolve("x.jpg");
    Files.writeString(secret, SECRET);
  }

  private static String text(ByteBuffer b) {
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static String json(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\u001b", "\\u001b") + "\"";
  }

  private Path coco(String... fileNames) throws IOException {
    StringBuilder s = new StringBuilder("{\"images\": [\n");
    for (int i = 0; i < fileNames.length; i++) {
      s.append(i == 0 ? "" : ",\n").append("{\"id\": ").append(i + 1).append(", \"file_name\": ")
          .append(json(fileNames[i])).append(", \"width\": 10, \"height\": 10}");
    }
    s.append("],\n\"annotations\": [");
    for (int i = 0; i < fileNames.length; i++) {
      s.append(i == 0 ? "" : ",\n").append("{\"id\": ").append(100 + i).append(", \"image_id\": ").append(i + 1)
          .append(", \"category_id\": 1, \"bbox\": [1, 1, 5, 5]}");
    }
    s.append("],\n\"categories\": [{\"id\": 1, \"name\": \"thing\"}]}\n");
    return Files.writeString(data.resolve("annotations.json"), s.toString());
  }

  private Path voc(String xmlName, String fileName) throws IOException {
    Path dir = Files.createDirectories(data.resolve("Annotations"));
    String escaped = fileName.replace("&", "&amp;").replace("<", "&lt;");
    return Files.writeString(dir.resolve(xmlName), "<annotation><filename>" + escaped + "</filename>"
        + "<size><width>10</width><height>10</height></size>"
        + "<object><name>thing</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>5</xmax><ymax>5</ymax></bndbox>"
        + "</object></annotation>\n");
  }

  private Path symlink(Path link, Path target) throws IOException {
    try {
      return Files.createSymbolicLink(link, target);
    } catch (UnsupportedOperationException | IOException e) {
      assumeTrue(false, "no symbolic links here: " + e);
      return link;
    }
  }

  @Test
  void cocoOpen_fileNamesOutsideTheImageDirectory_skippedWithTheirAnnotationsAndWarned() throws IOException {
    Path json = coco("a.jpg", "../../secret/x.jpg", secret.toString(), "sub/../../../secret/x.jpg",
        "evil\u001b[2Jname.jpg");

    CocoSource source = CocoSource.open(json, images);

    assertThat(source.size()).isOne();
    assertThat(source.imagePath(0)).isEqualTo(images.resolve("a.jpg"));
    assertThat(source.totalBoxes()).isOne();
    assertThat(source.warnings()).hasSize(4);
    assertThat(source.warnings()).allSatisfy(w -> assertThat(w).startsWith(json + ":")
        .contains("skipped with its annotations").doesNotContain("\u001b"));
    assertThat(source.warnings().get(0)).contains("image 2: file_name '../../secret/x.jpg' leads outside");
    assertThat(source.warnings().get(1)).contains("'" + secret + "' is an absolute path");
    assertThat(source.warnings().get(2)).contains("'sub/../../../secret/x.jpg' leads outside");
    assertThat(source.warnings().get(3)).contains("'evil\\u001b[2Jname.jpg' has control characters");
    assertThat(source.description()).contains("4 problems");
  }

  @Test
  void cocoOpen_everyFileNameOutside_failsNamingTheFirst() throws IOException {
    Path json = coco("../secret/x.jpg");

    assertThatThrownBy(() -> CocoSource.open(json, images)).isInstanceOf(LoaderException.class)
        .hasMessageStartingWith(json + ": no image whose file_name stays inside").hasMessageContaining("leads outside");
  }

  @Test
  void cocoRead_symbolicLinkLeadingOutside_failsNamingTheFileAndLinksInsideStillRead() throws IOException {
    symlink(images.resolve("link.jpg"), secret);
    symlink(images.resolve("alias.jpg"), images.resolve("a.jpg"));
    Files.createDirectories(images.resolve("sub"));
    symlink(images.resolve("sub/up"), tmp); // a directory link: sub/up/secret/x.jpg is outside
    CocoSource source = CocoSource.open(coco("link.jpg", "alias.jpg", "sub/up/secret/x.jpg"), images);

    assertThat(source.size()).isEqualTo(3);
    for (int i : new int[] {0, 2}) {
      Path file = source.imagePath(i);
      assertThatThrownBy(() -> source.read(i)).isInstanceOf(IOException.class)
          .hasMessageStartingWith(file + ": refused: a symbolic link leads outside").hasMessageNotContaining(SECRET);
      assertThatThrownBy(() -> source.read(i, ByteBuffer.allocateDirect(1024))).isInstanceOf(IOException.class)
          .hasMessageStartingWith(file + ": refused");
    }
    assertThat(text(source.read(1))).isEqualTo("bytes of a");
    assertThat(text(source.read(1, null))).isEqualTo("bytes of a");
  }

  @Test
  void vocOpen_fileNamesOutsideTheImageDirectory_skippedAndWarned() throws IOException {
    Path inside = voc("a.xml", "a.jpg");
    Path up = voc("b.xml", "../../secret/x.jpg");
    Path absolute = voc("c.xml", secret.toString());
    Path tab = voc("d.xml", "tab\there.jpg");

    VocSource source = VocSource.open(data.resolve("Annotations"), images);

    assertThat(source.size()).isOne();
    assertThat(source.imagePath(0)).isEqualTo(images.resolve("a.jpg"));
    assertThat(source.totalBoxes()).isOne();
    assertThat(source.warnings()).containsExactly(
        up + ": <filename> '../../secret/x.jpg' leads outside the directory; annotation skipped",
        absolute + ": <filename> '" + secret + "' is an absolute path (only relative paths inside the dataset are "
            + "read); annotation skipped",
        tab + ": <filename> 'tab\\u0009here.jpg' has control characters; annotation skipped");
    assertThat(VocSource.open(data).size()).as("found by layout, JPEGImages or images beside").isOne();
    assertThat(inside).exists();
  }

  @Test
  void vocOpenByLayout_firstAnnotationOutside_imagesFoundByTheFirstInside() throws IOException {
    voc("a.xml", "../../secret/x.jpg");
    voc("b.xml", "a.jpg");

    VocSource source = VocSource.open(data);

    assertThat(source.size()).isOne();
    assertThat(source.imagePath(0)).isEqualTo(images.resolve("a.jpg"));
  }

  @Test
  void vocRead_symbolicLinkLeadingOutside_failsNamingTheFile() throws IOException {
    symlink(images.resolve("link.jpg"), secret);
    voc("a.xml", "link.jpg");

    VocSource source = VocSource.open(data.resolve("Annotations"), images);

    assertThatThrownBy(() -> source.read(0)).isInstanceOf(IOException.class)
        .hasMessageStartingWith(images.resolve("link.jpg") + ": refused: a symbolic link leads outside");
  }

  @Test
  void manifestOpen_absoluteAndEscapingPaths_refusedByDefaultReadWithTheOptIn() throws IOException {
    Path csv = Files.writeString(data.resolve("m.csv"), "path,label\nimages/a.jpg,cat\n"
        + "\"" + secret + "\",dog\n../secret/x.jpg,dog\n");

    ManifestSource safe = ManifestSource.open(csv);

    assertThat(safe.size()).isOne();
    assertThat(safe.classes()).as("classes as if the rows were missing images").containsExactly("cat", "dog");
    assertThat(safe.warnings()).containsExactly(
        csv + ":3: '" + secret + "' is an absolute path (only relative paths inside the dataset are read) "
            + "(stoker --allow-absolute-paths, SourceOptions.allowPathsOutside, allows it); row skipped",
        csv + ":4: '../secret/x.jpg' leads outside the directory "
            + "(stoker --allow-absolute-paths, SourceOptions.allowPathsOutside, allows it); row skipped");
    assertThat(Datasets.open(csv).size()).isOne();

    ManifestSource trusted = ManifestSource.open(csv, SourceOptions.DEFAULT.withPathsOutside(true));

    assertThat(trusted.size()).isEqualTo(3);
    assertThat(trusted.warnings()).isEmpty();
    assertThat(trusted.imagePath(1)).isEqualTo(secret);
    assertThat(text(trusted.read(1))).isEqualTo(SECRET);
    assertThat(text(trusted.read(2, null))).isEqualTo(SECRET);
    assertThat(Datasets.open(csv, SourceOptions.DEFAULT.withPathsOutside(true)).size()).isEqualTo(3);
  }

  @Test
  void manifestRead_symbolicLinkLeadingOutside_refusedByDefaultReadWithTheOptIn() throws IOException {
    symlink(images.resolve("link.jpg"), secret);
    Path jsonl = Files.writeString(data.resolve("m.jsonl"), "{\"path\": \"images/link.jpg\", \"label\": 0}\n");

    ManifestSource safe = ManifestSource.open(jsonl);
    ManifestSource trusted = ManifestSource.open(jsonl, SourceOptions.DEFAULT.withPathsOutside(true));

    assertThat(safe.size()).isOne();
    assertThatThrownBy(() -> safe.read(0, null)).isInstanceOf(IOException.class)
        .hasMessageStartingWith(images.resolve("link.jpg") + ": refused: a symbolic link leads outside");
    assertThat(text(trusted.read(0, null))).isEqualTo(SECRET);
  }

  @Test
  void manifestOpen_controlCharactersInAPath_refusedEvenWithTheOptIn() throws IOException {
    Path jsonl = Files.writeString(data.resolve("m.jsonl"), "{\"path\": \"images/a.jpg\", \"label\": 0}\n"
        + "{\"path\": \"images/\\u001b]0;owned\\u0007.jpg\", \"label\": 0}\n");

    ManifestSource trusted = ManifestSource.open(jsonl, SourceOptions.DEFAULT.withPathsOutside(true));

    assertThat(trusted.size()).isOne();
    assertThat(trusted.warnings()).containsExactly(
        jsonl + ":2: 'images/\\u001b]0;owned\\u0007.jpg' has control characters; row skipped");
  }

  @Test
  void sourceOptions_capOutOfRange_failsNamingIt() {
    assertThatThrownBy(() -> SourceOptions.DEFAULT.withMaxImageBytes(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("maxImageBytes: ");
    assertThatThrownBy(() -> new SourceOptions(false, 1L << 31)).hasMessageStartingWith("maxImageBytes: ");
    assertThat(SourceOptions.DEFAULT.maxImageBytes()).isEqualTo(256L << 20);
    assertThat(SourceOptions.DEFAULT.allowPathsOutside()).isFalse();
  }

  @Test
  void quote_controlFormatAndLongText_printableAndCut() {
    assertThat(ImagePaths.quote("a\nb\u202ec'd\\")).isEqualTo("'a\\u000ab\\u202ec\\'d\\\\'");
    assertThat(ImagePaths.quote("x".repeat(300))).hasSize(ImagePaths.QUOTED_CHARS + 5).endsWith("...'");
  }
}
