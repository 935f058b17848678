package dev.stoker.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.LoaderException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pascal VOC files written by the tests: box conversion, classes, layouts, and refused files. */
class VocSourceTest {
  @TempDir
  Path dir;

  private static String annotation(String filename, String objects) {
    return """
        <annotation>
          <folder>VOC2012</folder>
          <filename>%s</filename>
          <path>/home/someone/elsewhere/%s</path>
          <size><width>100</width><height>80</height><depth>3</depth></size>
          %s
        </annotation>
        """.formatted(filename, filename, objects);
  }

  private static String object(String name, int xmin, int ymin, int xmax, int ymax) {
    return "<object><name>%s</name><difficult>0</difficult><bndbox><xmin>%d</xmin><ymin>%d</ymin><xmax>%d</xmax>"
        .formatted(name, xmin, ymin, xmax) + "<ymax>" + ymax + "</ymax></bndbox></object>";
  }

  private Path write(Path folder, String name, String text) throws IOException {
    Files.createDirectories(folder);
    return Files.writeString(folder.resolve(name), text);
  }

  private static float[] boxes(VocSource source, int index) {
    float[] out = new float[4 * Math.max(1, source.maxBoxCount())];
    int n = source.copyBoxes(index, out, new int[Math.max(1, source.maxBoxCount())]);
    return Arrays.copyOf(out, 4 * n);
  }

  private static int[] labels(VocSource source, int index) {
    int[] out = new int[Math.max(1, source.maxBoxCount())];
    int n = source.copyBoxes(index, new float[4 * out.length], out);
    return Arrays.copyOf(out, n);
  }

  @Test
  void open_oneBasedInclusiveBox_becomesContinuousZeroBased() throws IOException {
    write(dir, "a.xml", annotation("a.jpg", object("dog", 1, 5, 10, 20)));

    VocSource source = VocSource.open(dir, dir);

    // columns 1..10 (1-based) are 0..9 0-based: [0, 10); rows 5..20 are [4, 20)
    assertThat(boxes(source, 0)).containsExactly(0f, 4f, 10f, 20f);
    assertThat(source.sourceName(0)).isEqualTo(dir.resolve("a.jpg").toString());
  }

  @Test
  void open_namesSeen_becomeSortedClassesAndFilesSortedSamples() throws IOException {
    write(dir, "b.xml", annotation("b.jpg", object("zebra", 1, 1, 5, 5) + object("cat", 2, 2, 6, 6)));
    write(dir, "a.xml", annotation("a.jpg", object("dog", 1, 1, 5, 5)));
    write(dir, "c.xml", annotation("c.jpg", ""));
    write(dir, "notes.txt", "not an annotation");

    VocSource source = VocSource.open(dir, dir);

    assertThat(source.classes()).containsExactly("cat", "dog", "zebra");
    assertThat(source.size()).isEqualTo(3);
    assertThat(source.sourceName(0)).endsWith("a.jpg");
    assertThat(labels(source, 0)).containsExactly(1);
    assertThat(labels(source, 1)).containsExactly(2, 0);
    assertThat(source.boxCount(2)).isZero();
    assertThat(source.label(2)).isEqualTo(-1);
    assertThat(source.description()).startsWith("VOC " + dir).contains("3 images, 3 boxes, 3 classes");
  }

  @Test
  void open_givenClasses_usesTheirOrderAndReportsUnknownNames() throws IOException {
    Path xml = write(dir, "a.xml", annotation("a.jpg", object("dog", 1, 1, 5, 5) + object("unicorn", 1, 1, 5, 5)));

    VocSource source = VocSource.open(dir, dir, List.of("person", "dog"));

    assertThat(source.classes()).containsExactly("person", "dog");
    assertThat(labels(source, 0)).containsExactly(1);
    assertThat(source.warnings()).singleElement().asString()
        .startsWith(xml + ":").contains("'unicorn'", "not one of the given classes");
  }

  @Test
  void open_givenClassesWithDuplicates_failsNamingClasses() {
    assertThatThrownBy(() -> VocSource.open(dir, dir, List.of("a", "a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("classes");
  }

  @Test
  void open_partsAndUnknownElements_areIgnored() throws IOException {
    write(dir, "a.xml", """
        <annotation><filename>a.jpg</filename><source><database>x</database></source>
          <object><name>person</name><truncated>1</truncated><difficult>1</difficult>
            <bndbox><xmin>11</xmin><ymin>21</ymin><xmax>50.5</xmax><ymax>60</ymax></bndbox>
            <part><name>head</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></part>
          </object>
        </annotation>""");

    VocSource source = VocSource.open(dir, dir);

    assertThat(source.classes()).containsExactly("person");
    assertThat(boxes(source, 0)).containsExactly(10f, 20f, 50.5f, 60f);
  }

  @Test
  void open_emptyBox_isReportedAndSkipped() throws IOException {
    write(dir, "a.xml", annotation("a.jpg", object("dog", 5, 5, 4, 9) + object("dog", 90, 1, 200, 9)));

    VocSource source = VocSource.open(dir, dir);

    // the second box is clipped to the stated 100x80 size
    assertThat(boxes(source, 0)).containsExactly(89f, 0f, 100f, 9f);
    assertThat(source.warnings()).singleElement().asString().contains("empty box");
  }

  @Test
  void open_malformedXml_failsNamingFileAndLine() throws IOException {
    Path bad = write(dir, "b.xml", "<annotation>\n  <filename>b.jpg</filename>\n  <object><name>dog</object>\n</annotation>");
    write(dir, "a.xml", annotation("a.jpg", ""));

    assertThatThrownBy(() -> VocSource.open(dir, dir))
        .isInstanceOf(LoaderException.class)
        .hasMessageStartingWith(bad + ":3:")
        .hasMessageContaining("malformed XML");
  }

  @Test
  void open_boxNotANumber_failsNamingFileAndLine() throws IOException {
    Path bad = write(dir, "a.xml", "<annotation>\n<filename>a.jpg</filename>\n<object><name>dog</name><bndbox>\n"
        + "<xmin>one</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object></annotation>");

    assertThatThrownBy(() -> VocSource.open(dir, dir))
        .isInstanceOf(LoaderException.class)
        .hasMessageStartingWith(bad + ":4:")
        .hasMessageContaining("<xmin> must be a number, got 'one'");
  }

  @Test
  void open_notAVocFile_failsSayingWhatIsMissing() throws IOException {
    Path other = write(dir.resolve("x"), "a.xml", "<config><filename>a.jpg</filename></config>");
    assertThatThrownBy(() -> VocSource.open(other.getParent(), dir))
        .hasMessageStartingWith(other + ":1:").hasMessageContaining("root element is <config>");

    Path noName = write(dir.resolve("y"), "a.xml", "<annotation><object><name>dog</name></object></annotation>");
    assertThatThrownBy(() -> VocSource.open(noName.getParent(), dir)).hasMessageContaining("lacks a <bndbox>");

    Path noFile = write(dir.resolve("z"), "a.xml", "<annotation><size><width>3</width></size></annotation>");
    assertThatThrownBy(() -> VocSource.open(noFile.getParent(), dir)).hasMessageContaining("no <filename>");
  }

  @Test
  void open_doctypeWithExternalEntity_isRefusedWithoutReadingIt() throws IOException {
    Path secret = write(dir.resolve("secret"), "secret.txt", "top-secret");
    Path evil = write(dir.resolve("evil"), "a.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE annotation [<!ENTITY x SYSTEM \""
        + secret.toUri() + "\">]>\n<annotation><filename>&x;</filename></annotation>");

    assertThatThrownBy(() -> VocSource.open(evil.getParent(), dir))
        .isInstanceOf(LoaderException.class)
        .hasMessageStartingWith(evil + ":2:")
        .hasMessageContaining("DOCTYPE")
        .hasMessageNotContaining("top-secret");
  }

  @Test
  void open_missingOrEmptyDirectory_failsNamingThePath() throws IOException {
    Path missing = dir.resolve("nope");
    Path empty = Files.createDirectories(dir.resolve("empty"));

    assertThatThrownBy(() -> VocSource.open(missing)).isInstanceOf(LoaderException.class)
        .hasMessage(missing + ": no such directory");
    assertThatThrownBy(() -> VocSource.open(dir, missing)).hasMessage(missing + ": no such directory");
    assertThatThrownBy(() -> VocSource.open(empty)).hasMessage(empty + ": no .xml annotation files");
  }

  @Test
  void open_vocdevkitLayout_findsJpegImages() throws IOException {
    write(dir.resolve("Annotations"), "a.xml", annotation("a.jpg", object("dog", 1, 1, 5, 5)));
    write(dir.resolve("JPEGImages"), "a.jpg", "jpeg");

    VocSource source = VocSource.open(dir);

    assertThat(source.imagePath(0)).isEqualTo(dir.resolve("JPEGImages").toAbsolutePath().resolve("a.jpg"));
    assertThat(source.annotations()).isEqualTo(dir.resolve("Annotations"));
  }

  @Test
  void open_xmlDirectoryBesideImages_findsTheSiblingImagesDirectory() throws IOException {
    Path voc = dir.resolve("voc");
    write(voc, "a.xml", annotation("a.jpg", object("dog", 1, 1, 5, 5)));
    write(dir.resolve("images"), "a.jpg", "jpeg");

    assertThat(VocSource.open(voc).imagePath(0)).isEqualTo(dir.resolve("images").toAbsolutePath().resolve("a.jpg"));
  }

  @Test
  void open_imagesNextToTheXml_areFoundThere() throws IOException {
    write(dir, "a.xml", annotation("a.jpg", ""));
    write(dir, "a.jpg", "jpeg");

    assertThat(VocSource.open(dir).imagePath(0)).isEqualTo(dir.resolve("a.jpg"));
  }

  @Test
  void open_noDirectoryHoldsTheFirstImage_failsNamingTheCandidates() throws IOException {
    write(dir, "a.xml", annotation("a.jpg", ""));

    assertThatThrownBy(() -> VocSource.open(dir))
        .isInstanceOf(LoaderException.class)
        .hasMessageStartingWith(dir + ": cannot find the images")
        .hasMessageContaining("JPEGImages")
        .hasMessageContaining("a.jpg");
  }
}
