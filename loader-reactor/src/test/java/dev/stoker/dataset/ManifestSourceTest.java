package dev.stoker.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.stoker.api.LoaderException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Manifests in CSV and JSON Lines: paths, both kinds of label, boxes, and errors naming file and line. */
class ManifestSourceTest {
  @TempDir
  Path dir;

  /** An "image" file: sources do not decode, so its content is only bytes to read back. */
  private Path image(String relative) throws IOException {
    Path p = dir.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.writeString(p, "bytes of " + relative);
    return p;
  }

  private Path manifest(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  private static float[] boxesOf(ManifestSource source, int index, int[] labels) {
    float[] boxes = new float[4 * source.maxBoxCount()];
    int n = source.copyBoxes(index, boxes, labels);
    return Arrays.copyOf(boxes, 4 * n);
  }

  @Test
  void open_csvWithNames_classesAreSortedNamesAndPathsResolveAgainstTheManifest() throws IOException {
    image("img/a.jpg");
    image("img/b.jpg");
    image("img/c.jpg");
    Path csv = manifest("train.csv", "path,label\nimg/a.jpg,dog\nimg/b.jpg,cat\n\nimg/c.jpg,dog\n");

    ManifestSource source = ManifestSource.open(csv);

    assertThat(source.size()).isEqualTo(3);
    assertThat(source.classes()).containsExactly("cat", "dog");
    assertThat(source.label(0)).isEqualTo(1);
    assertThat(source.label(1)).isZero();
    assertThat(source.label(2)).isEqualTo(1);
    assertThat(source.sourceName(0)).isEqualTo(dir.resolve("img/a.jpg").toString());
    assertThat(source.imagePath(2)).isEqualTo(dir.resolve("img/c.jpg"));
    assertThat(source.hasBoxes()).isFalse();
    assertThat(source.maxBoxCount()).isZero();
    assertThat(source.warnings()).isEmpty();
    assertThat(source.manifest()).isEqualTo(csv);
    assertThat(source.description()).contains(csv.toString()).contains("3 images").contains("2 classes");
  }

  @Test
  void open_csvQuotedFieldsExtraColumnsAndAbsolutePathsWithTheOptIn_areRead() throws IOException {
    image("with, comma.jpg");
    Path absolute = image("elsewhere/q\"uote.jpg");
    Path csv = manifest("m.csv", "\uFEFFsplit,Label,PATH\r\n"
        + "train, \"a, b\" ,\"with, comma.jpg\"\r\n"
        + "train,plain,\"" + absolute.toString().replace("\"", "\"\"") + "\"\r\n");

    // absolute paths need the opt-in (PathConfinementTest shows the default refusing them)
    ManifestSource source = ManifestSource.open(csv, SourceOptions.DEFAULT.withPathsOutside(true));

    assertThat(source.classes()).containsExactly("a, b", "plain");
    assertThat(source.imagePath(0)).isEqualTo(dir.resolve("with, comma.jpg"));
    assertThat(source.imagePath(1)).isEqualTo(absolute);
  }

  @Test
  void open_integerLabels_classesRunFromZeroToTheLargest() throws IOException {
    image("a.jpg");
    image("b.jpg");
    Path csv = manifest("m.csv", "path,label\na.jpg,3\nb.jpg,0\n");
    Path jsonl = manifest("m.jsonl", "{\"path\": \"a.jpg\", \"label\": 3}\n{\"path\": \"b.jpg\", \"label\": 0}\n");

    for (Path file : new Path[] {csv, jsonl}) {
      ManifestSource source = ManifestSource.open(file);

      assertThat(source.classes()).as(file.toString()).containsExactly("0", "1", "2", "3");
      assertThat(source.label(0)).isEqualTo(3);
      assertThat(source.label(1)).isZero();
    }
  }

  @Test
  void open_jsonlWithNamesAndOtherFields_readsEveryLine() throws IOException {
    image("a.jpg");
    image("sub/b.png");
    Path jsonl = manifest("m.jsonl", "{\"path\": \"a.jpg\", \"label\": \"zebra\", \"note\": {\"x\": [1]}}\n"
        + "\n  {\"label\": \"ant\", \"path\": \"sub/b.png\"}  \n");

    ManifestSource source = ManifestSource.open(jsonl);

    assertThat(source.classes()).containsExactly("ant", "zebra");
    assertThat(source.label(0)).isEqualTo(1);
    assertThat(source.label(1)).isZero();
    assertThat(source.sourceName(1)).isEqualTo(dir.resolve("sub/b.png").toString());
  }

  @Test
  void open_csvBoxes_areKeptWithTheirLabelsOrTheRowLabel() throws IOException {
    image("a.jpg");
    image("b.jpg");
    Path csv = manifest("m.csv", "path,label,boxes\n"
        + "a.jpg,cat,10 20 110 90 dog; 1.5 2 3 4 ;\n"
        + "b.jpg,cat,\n");

    ManifestSource source = ManifestSource.open(csv);
    int[] labels = new int[source.maxBoxCount()];

    assertThat(source.hasBoxes()).isTrue();
    assertThat(source.classes()).containsExactly("cat", "dog");
    assertThat(source.maxBoxCount()).isEqualTo(2);
    assertThat(boxesOf(source, 0, labels)).containsExactly(10, 20, 110, 90, 1.5f, 2, 3, 4);
    assertThat(labels).containsExactly(1, 0);
    assertThat(source.boxCount(1)).isZero();
    assertThat(source.label(0)).as("the row's label, not the first box's").isZero();
    assertThat(source.description()).contains("2 boxes");
  }

  @Test
  void open_jsonlBoxesWithIntegerLabels_areKept() throws IOException {
    image("a.jpg");
    Path jsonl = manifest("m.jsonl", "{\"path\": \"a.jpg\", \"label\": 1, \"boxes\": [[0, 0, 5, 5, 2], [1, 1, 2, 2]]}\n");

    ManifestSource source = ManifestSource.open(jsonl);
    int[] labels = new int[2];

    assertThat(source.classes()).containsExactly("0", "1", "2");
    assertThat(boxesOf(source, 0, labels)).containsExactly(0, 0, 5, 5, 1, 1, 2, 2);
    assertThat(labels).containsExactly(2, 1);
  }

  @Test
  void open_unlabelledRowsInAManifestWithBoxes_takeTheFirstBoxLabelOrMinusOne() throws IOException {
    image("a.jpg");
    image("b.jpg");
    Path jsonl = manifest("m.jsonl", "{\"path\": \"a.jpg\", \"boxes\": [[0, 0, 5, 5, \"dog\"]]}\n"
        + "{\"path\": \"b.jpg\", \"label\": null, \"boxes\": []}\n");

    ManifestSource source = ManifestSource.open(jsonl);

    assertThat(source.label(0)).isZero();
    assertThat(source.label(1)).isEqualTo(-1);
  }

  @Test
  void open_emptyBox_isDroppedAndReported() throws IOException {
    image("a.jpg");
    Path csv = manifest("m.csv", "path,label,boxes\na.jpg,cat,5 5 5 9;0 0 2 2\n");

    ManifestSource source = ManifestSource.open(csv);

    assertThat(source.boxCount(0)).isEqualTo(1);
    assertThat(source.warnings()).singleElement().asString()
        .contains(csv + ":2").contains("empty").contains("dropped");
  }

  @Test
  void open_missingImage_isSkippedAndReportedNamingManifestLineAndPath() throws IOException {
    image("a.jpg");
    image("c.jpg");
    Path csv = manifest("m.csv", "path,label\na.jpg,x\nb.jpg,y\nc.jpg,z\n");

    ManifestSource source = ManifestSource.open(csv);

    assertThat(source.size()).isEqualTo(2);
    assertThat(source.sourceName(1)).endsWith("c.jpg");
    assertThat(source.label(1)).isEqualTo(2);
    assertThat(source.classes()).as("a skipped row's label still names a class").containsExactly("x", "y", "z");
    assertThat(source.warnings()).singleElement().asString()
        .startsWith(csv + ":3: ").contains(dir.resolve("b.jpg").toString()).contains("skipped");
    assertThat(source.description()).contains("1 problem");
  }

  @Test
  void open_missingImageWithBoxes_laterRowsKeepTheirOwnBoxes() throws IOException {
    image("b.jpg");
    Path jsonl = manifest("m.jsonl", "{\"path\": \"a.jpg\", \"label\": \"x\", \"boxes\": [[0, 0, 9, 9]]}\n"
        + "{\"path\": \"b.jpg\", \"label\": \"y\", \"boxes\": [[1, 2, 3, 4], [5, 6, 7, 8]]}\n");

    ManifestSource source = ManifestSource.open(jsonl);
    int[] labels = new int[2];

    assertThat(source.size()).isEqualTo(1);
    assertThat(boxesOf(source, 0, labels)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(labels).containsExactly(1, 1);
    assertThat(source.description()).contains("2 boxes");
  }

  @Test
  void open_noListedImageExists_failsNamingTheManifest() throws IOException {
    Path csv = manifest("m.csv", "path,label\ngone.jpg,x\n");

    assertThatThrownBy(() -> ManifestSource.open(csv)).isInstanceOf(LoaderException.class)
        .hasMessageStartingWith(csv + ": none of the 1 images").hasMessageContaining("gone.jpg");
  }

  @Test
  void open_malformedJsonLine_failsNamingFileLineAndColumn() throws IOException {
    image("a.jpg");
    Path jsonl = manifest("m.jsonl", "{\"path\": \"a.jpg\", \"label\": 1}\n{\"path\": \"a.jpg\", \"label\": }\n");

    assertThatThrownBy(() -> ManifestSource.open(jsonl)).isInstanceOf(LoaderException.class)
        .hasMessageMatching(Pattern.quote(jsonl + ":2:") + "\\d+: malformed JSON.*");
  }

  @Test
  void open_jsonlWrongShapes_failNamingTheLine() throws IOException {
    image("a.jpg");
    String[] lines = {
        "[\"a.jpg\", 1]",
        "{\"label\": 1}",
        "{\"path\": 7, \"label\": 1}",
        "{\"path\": \"a.jpg\", \"label\": -2}",
        "{\"path\": \"a.jpg\", \"label\": 1.5}",
        "{\"path\": \"a.jpg\", \"label\": 1, \"boxes\": [[0, 0, 1]]}",
        "{\"path\": \"a.jpg\", \"label\": 1} {\"path\": \"a.jpg\", \"label\": 1}",
    };
    for (String line : lines) {
      Path jsonl = manifest("bad.jsonl", "{\"path\": \"a.jpg\", \"label\": 0}\n" + line + "\n");

      assertThatThrownBy(() -> ManifestSource.open(jsonl)).as(line).isInstanceOf(LoaderException.class)
          .hasMessageStartingWith(jsonl + ":2");
    }
  }

  @Test
  void open_malformedCsvRows_failNamingFileLineAndColumn() throws IOException {
    image("a.jpg");
    assertThatThrownBy(() -> ManifestSource.open(manifest("a.csv", "path,label\na.jpg,x\n\"a.jpg,x\n")))
        .hasMessage(dir.resolve("a.csv") + ":3:1: unterminated quoted field (a record must fit on one line)");
    assertThatThrownBy(() -> ManifestSource.open(manifest("b.csv", "path,label\na.jpg,x,extra\n")))
        .hasMessageStartingWith(dir.resolve("b.csv") + ":2: expected 2 fields");
    assertThatThrownBy(() -> ManifestSource.open(manifest("c.csv", "path,label\na.jpg,ca\"t\n")))
        .hasMessageStartingWith(dir.resolve("c.csv") + ":2:9: a quote inside an unquoted field");
    assertThatThrownBy(() -> ManifestSource.open(manifest("d.csv", "path,label,boxes\na.jpg,x,1 2 three 4\n")))
        .hasMessageStartingWith(dir.resolve("d.csv") + ":2: box 1: 'three' is not a number");
    assertThatThrownBy(() -> ManifestSource.open(manifest("e.csv", "path,label\na.jpg,-1\n")))
        .hasMessageStartingWith(dir.resolve("e.csv") + ":2: label: an integer label must lie in");
    assertThatThrownBy(() -> ManifestSource.open(manifest("f.csv", "path,label\na.jpg,\n")))
        .hasMessageStartingWith(dir.resolve("f.csv") + ":2: no label");
  }

  @Test
  void open_csvWithoutHeader_failsSayingWhatTheHeaderMustBe() throws IOException {
    image("a.jpg");
    Path csv = manifest("m.csv", "a.jpg,cat\n");

    assertThatThrownBy(() -> ManifestSource.open(csv)).isInstanceOf(LoaderException.class)
        .hasMessageStartingWith(csv + ":1: the first line must be a header naming the columns path,label");
  }

  @Test
  void open_namesAndIntegersMixed_failsNamingBothLines() throws IOException {
    image("a.jpg");
    Path csv = manifest("m.csv", "path,label\na.jpg,cat\na.jpg,4\n");
    Path boxes = manifest("m.jsonl", "{\"path\": \"a.jpg\", \"label\": 1, \"boxes\": [[0, 0, 1, 1, \"cat\"]]}\n");

    assertThatThrownBy(() -> ManifestSource.open(csv)).isInstanceOf(LoaderException.class)
        .hasMessageStartingWith(csv + ":3: label 4 is an integer").hasMessageContaining("line 2");
    assertThatThrownBy(() -> ManifestSource.open(boxes)).isInstanceOf(LoaderException.class)
        .hasMessageStartingWith(boxes + ":1: label 'cat' is a class name");
  }

  @Test
  void open_emptyManifest_failsClearly() throws IOException {
    for (Path empty : new Path[] {manifest("a.csv", ""), manifest("b.csv", "path,label\n\n"),
        manifest("c.jsonl", "\n  \n")}) {
      assertThatThrownBy(() -> ManifestSource.open(empty)).as(empty.toString()).isInstanceOf(LoaderException.class)
          .hasMessageStartingWith(empty + ": empty manifest");
    }
  }

  @Test
  void open_missingFileOrWrongExtension_failsNamingThePath() throws IOException {
    Path missing = dir.resolve("nope.csv");
    Path text = manifest("list.txt", "path,label\n");

    assertThatThrownBy(() -> ManifestSource.open(missing)).hasMessage(missing + ": no such file");
    assertThatThrownBy(() -> ManifestSource.open(text)).hasMessageStartingWith(text + ": a manifest must be named");
    assertThatThrownBy(() -> ManifestSource.open(null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("manifest");
  }

  @Test
  void open_unreadableManifest_failsNamingItAndWhy() throws IOException {
    Path csv = manifest("m.csv", "path,label\n");
    Files.setPosixFilePermissions(csv, PosixFilePermissions.fromString("---------"));
    assumeFalse(Files.isReadable(csv), "permissions do not bite (running as root)");

    assertThatThrownBy(() -> ManifestSource.open(csv)).hasMessage(csv + ": cannot read: permission denied");
  }

  @Test
  void open_notUtf8_failsNamingTheLine() throws IOException {
    Path csv = dir.resolve("m.csv");
    Files.write(csv, new byte[] {'p', 'a', 't', 'h', ',', 'l', 'a', 'b', 'e', 'l', '\n', (byte) 0xff, '\n'});

    assertThatThrownBy(() -> ManifestSource.open(csv)).hasMessage(csv + ":2:1: not UTF-8 text");
  }

  @Test
  void read_withAndWithoutReuse_returnsTheImageBytes() throws IOException {
    image("a.jpg");
    ManifestSource source = ManifestSource.open(manifest("m.csv", "path,label\na.jpg,x\n"));
    ByteBuffer reuse = ByteBuffer.allocateDirect(64);

    String plain = StandardCharsets.UTF_8.decode(source.read(0)).toString();
    ByteBuffer reused = source.read(0, reuse);

    assertThat(plain).isEqualTo("bytes of a.jpg");
    assertThat(reused).isSameAs(reuse);
    assertThat(StandardCharsets.UTF_8.decode(reused).toString()).isEqualTo("bytes of a.jpg");
  }

  @Test
  void read_imageDeletedAfterOpen_throwsIOExceptionNamingIt() throws IOException {
    Path gone = image("a.jpg");
    ManifestSource source = ManifestSource.open(manifest("m.csv", "path,label\na.jpg,x\n"));
    Files.delete(gone);

    assertThatThrownBy(() -> source.read(0)).isInstanceOf(IOException.class).hasMessageStartingWith(gone.toString());
  }

  @Test
  void isManifest_byExtensionInAnyCase() {
    assertThat(ManifestSource.isManifest(Path.of("a/Train.CSV"))).isTrue();
    assertThat(ManifestSource.isManifest(Path.of("a.jsonl"))).isTrue();
    assertThat(ManifestSource.isManifest(Path.of("a.json"))).isFalse();
    assertThat(ManifestSource.isManifest(Path.of("csv"))).isFalse();
  }
}
