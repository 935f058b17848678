package dev.stoker.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.stoker.api.LoaderException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Listing an ImageFolder tree: classes, labels, which files count, and errors that name the path. */
class ImageFolderSourceTest {
  @TempDir
  Path root;

  private Path file(String relative, String content) throws IOException {
    Path p = root.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
    return p;
  }

  private static List<String> names(ImageFolderSource source) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < source.size(); i++) {
      out.add(Path.of(source.sourceName(i)).getFileName().toString());
    }
    return out;
  }

  @Test
  void open_classDirectories_areSortedAndLabelsAreTheirPositions() throws IOException {
    file("dog/d1.jpg", "d1");
    file("cat/c1.jpg", "c1");
    file("cat/c2.jpg", "c2");
    file("bird/b1.png", "b1");

    ImageFolderSource source = ImageFolderSource.open(root);

    assertThat(source.classes()).containsExactly("bird", "cat", "dog");
    assertThat(source.size()).isEqualTo(4);
    for (int i = 0; i < source.size(); i++) {
      Path path = Path.of(source.sourceName(i));
      String dir = root.relativize(path).getName(0).toString();
      assertThat(source.label(i)).as(path.toString()).isEqualTo(source.classes().indexOf(dir));
    }
    assertThat(names(source)).containsExactly("b1.png", "c1.jpg", "c2.jpg", "d1.jpg");
    assertThat(source.root()).isEqualTo(root);
    assertThat(source.description()).contains(root.toString()).contains("4 images").contains("3 classes");
  }

  @Test
  void open_upperAndMixedCaseExtensions_areFound() throws IOException {
    file("a/one.JPEG", "1");
    file("a/two.PNG", "2");
    file("a/three.Jpg", "3");
    file("a/four.jpeg", "4");

    ImageFolderSource source = ImageFolderSource.open(root);

    assertThat(names(source)).containsExactlyInAnyOrder("one.JPEG", "two.PNG", "three.Jpg", "four.jpeg");
  }

  @Test
  void open_nonImagesAndFilesOutsideClassDirectories_areIgnored() throws IOException {
    file("a/keep.jpg", "k");
    file("a/notes.txt", "t");
    file("a/README", "r");
    file("a/.jpg", "hidden, no name");
    file("a/archive.jpg.gz", "z");
    Files.createDirectories(root.resolve("a/folder.jpg"));
    file("loose.jpg", "not in a class directory");

    ImageFolderSource source = ImageFolderSource.open(root);

    assertThat(names(source)).containsExactly("keep.jpg");
    assertThat(source.classes()).containsExactly("a");
  }

  @Test
  void open_dotDirectories_areSkippedCountedAndDoNotBecomeClasses() throws IOException {
    file(".hidden/h.jpg", "h");
    file(".ipynb_checkpoints/n.jpg", "n");
    file("cat/c.jpg", "c");
    file("dog/d.jpg", "d");
    file("._top.jpg", "metadata");

    ImageFolderSource source = ImageFolderSource.open(root);

    assertThat(source.classes()).as("a dot-directory would be class 0 and shift every label").containsExactly("cat", "dog");
    assertThat(names(source)).containsExactly("c.jpg", "d.jpg");
    assertThat(source.label(0)).isZero();
    assertThat(source.label(1)).isEqualTo(1);
    assertThat(source.hiddenSkipped()).isEqualTo(3);
    assertThat(source.description()).contains("3 hidden entries skipped");
    assertThat(source.warnings()).as("a hidden image at the top level is not a loose image").isEmpty();
  }

  @Test
  void open_dotFilesAndDotDirectoriesInsideAClass_areNotLoaded() throws IOException {
    file("cat/x.jpg", "x");
    file("cat/._x.jpg", "AppleDouble metadata, not an image");
    file("cat/.thumbs/t.jpg", "t");
    file("cat/deep/._y.png", "y");

    ImageFolderSource source = ImageFolderSource.open(root);

    assertThat(names(source)).containsExactly("x.jpg");
    assertThat(source.hiddenSkipped()).isEqualTo(3);
    assertThat(source.description()).contains("3 hidden entries skipped");
    assertThat(names(source)).as("a hidden class-sibling file is not loaded either").doesNotContain("._x.jpg");
  }

  @Test
  void open_hiddenFilesThatAreNotImages_areNotCountedAndNotMentioned() throws IOException {
    file("cat/x.jpg", "x");
    file(".DS_Store", "finder");
    file("cat/.complete", "marker");

    ImageFolderSource source = ImageFolderSource.open(root);

    assertThat(source.hiddenSkipped()).isZero();
    assertThat(source.description()).doesNotContain("hidden");
  }

  @Test
  void open_looseImagesBesideOneClassDirectory_warnsNamingHowMany() throws IOException {
    for (int i = 0; i < 8; i++) {
      file("img" + i + ".jpg", "SECRET-PIXELS-" + i);
    }
    file("sub/only.jpg", "o");

    ImageFolderSource source = ImageFolderSource.open(root);

    assertThat(source.size()).isEqualTo(1);
    assertThat(source.warnings()).singleElement().asString()
        .startsWith(root + ": 8 images at the top level")
        .contains("not in a class directory")
        .doesNotContain("SECRET");
    assertThat(source.description()).contains("1 problem: " + root + ": 8 images at the top level");
  }

  @Test
  void open_onlyLooseImages_failsSayingTheyAreNotInClassDirectories() throws IOException {
    for (int i = 0; i < 3; i++) {
      file("img" + i + ".jpg", "x");
    }

    assertThatThrownBy(() -> ImageFolderSource.open(root))
        .isInstanceOf(LoaderException.class)
        .hasMessageContaining(root.toString())
        .hasMessageContaining("3 images at the top level");
  }

  @Test
  void open_nestedDirectoriesInsideAClass_belongToThatClass() throws IOException {
    file("a/x.jpg", "x");
    file("b/deep/er/y.png", "y");

    ImageFolderSource source = ImageFolderSource.open(root);

    assertThat(source.classes()).containsExactly("a", "b");
    assertThat(names(source)).containsExactly("x.jpg", "y.png");
    assertThat(source.label(1)).isEqualTo(1);
  }

  @Test
  void open_missingDirectory_failsNamingThePath() {
    Path missing = root.resolve("nope");

    assertThatThrownBy(() -> ImageFolderSource.open(missing))
        .isInstanceOf(LoaderException.class)
        .hasMessageContaining(missing.toString());
  }

  @Test
  void open_regularFile_failsNamingThePath() throws IOException {
    Path plain = file("plain.jpg", "x");

    assertThatThrownBy(() -> ImageFolderSource.open(plain))
        .isInstanceOf(LoaderException.class)
        .hasMessageContaining(plain.toString())
        .hasMessageContaining("not a directory");
  }

  @Test
  void open_emptyTree_failsNamingThePath() {
    assertThatThrownBy(() -> ImageFolderSource.open(root))
        .isInstanceOf(LoaderException.class)
        .hasMessageContaining(root.toString())
        .hasMessageContaining("no images");
  }

  @Test
  void open_classDirectoriesWithoutImages_failsNamingThePath() throws IOException {
    file("a/notes.txt", "t");
    Files.createDirectories(root.resolve("b"));

    assertThatThrownBy(() -> ImageFolderSource.open(root))
        .isInstanceOf(LoaderException.class)
        .hasMessageContaining(root.toString());
  }

  @Test
  void open_classDirectoryWithoutImages_keepsItsLabelAndWarnsNamingIt() throws IOException {
    file("a/x.jpg", "x");
    file("b/notes.txt", "t");
    file("c/y.jpg", "y");

    ImageFolderSource source = ImageFolderSource.open(root);

    assertThat(source.classes()).containsExactly("a", "b", "c");
    assertThat(source.size()).isEqualTo(2);
    assertThat(source.label(1)).as("c keeps label 2, as in a split where b has images").isEqualTo(2);
    assertThat(source.warnings()).singleElement().asString()
        .startsWith(root.resolve("b") + ": no images").contains("label 1");
  }

  @Test
  void open_symbolicLinks_areFollowedAndLoopsListedOnce() throws IOException {
    Path elsewhere = Files.createDirectories(root.resolveSibling(root.getFileName() + "-elsewhere"));
    Files.writeString(elsewhere.resolve("far.jpg"), "far");
    file("a/x.jpg", "x");
    Files.createSymbolicLink(root.resolve("b"), elsewhere);
    Files.createSymbolicLink(root.resolve("a/loop"), root.resolve("a"));
    Files.createSymbolicLink(root.resolve("a/linked.jpg"), root.resolve("a/x.jpg"));

    ImageFolderSource source = ImageFolderSource.open(root);

    assertThat(source.classes()).containsExactly("a", "b");
    assertThat(names(source)).containsExactly("linked.jpg", "x.jpg", "far.jpg");
  }

  @Test
  void open_brokenLink_isSkippedAndReported() throws IOException {
    file("a/x.jpg", "x");
    Path broken = Files.createSymbolicLink(root.resolve("a/gone.jpg"), root.resolve("a/nothing.jpg"));

    ImageFolderSource source = ImageFolderSource.open(root);

    assertThat(names(source)).containsExactly("x.jpg");
    assertThat(source.warnings()).singleElement().asString().startsWith(broken + ": cannot examine");
  }

  @Test
  void open_unreadableClassDirectory_failsNamingIt() throws IOException {
    file("a/x.jpg", "x");
    Path locked = file("b/y.jpg", "y").getParent();
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
    try {
      assumeFalse(Files.isReadable(locked), "permissions do not bite (running as root)");

      assertThatThrownBy(() -> ImageFolderSource.open(root))
          .isInstanceOf(LoaderException.class)
          .hasMessage(locked + ": cannot list: permission denied");
    } finally {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  void read_unreadableFile_throwsIOExceptionNamingItAndWhy() throws IOException {
    Path locked = file("a/x.jpg", "x");
    ImageFolderSource source = ImageFolderSource.open(root);
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
    assumeFalse(Files.isReadable(locked), "permissions do not bite (running as root)");

    assertThatThrownBy(() -> source.read(0))
        .isInstanceOf(IOException.class)
        .hasMessage(locked + ": cannot read: permission denied");
    assertThatThrownBy(() -> source.read(0, null))
        .isInstanceOf(IOException.class)
        .hasMessage(locked + ": cannot read: permission denied");
  }

  @Test
  void reason_fileSystemExceptions_sayWhyWithoutRepeatingThePath() {
    assertThat(ImageFiles.reason(new AccessDeniedException("/d/x.jpg"))).isEqualTo("permission denied");
    assertThat(ImageFiles.reason(new NoSuchFileException("/d/x.jpg"))).isEqualTo("no such file or directory");
    assertThat(ImageFiles.reason(new FileSystemException("/d", null, "Too many open files")))
        .isEqualTo("Too many open files");
    assertThat(ImageFiles.reason(new IOException("disk on fire"))).isEqualTo("disk on fire");
  }

  @Test
  void read_existingFile_returnsItsBytes() throws IOException {
    file("a/x.jpg", "pretend jpeg bytes");
    ImageFolderSource source = ImageFolderSource.open(root);

    ByteBuffer bytes = source.read(0);

    assertThat(StandardCharsets.UTF_8.decode(bytes).toString()).isEqualTo("pretend jpeg bytes");
  }

  @Test
  void read_fileDeletedAfterOpen_throwsIOExceptionNamingTheFile() throws IOException {
    file("a/x.jpg", "x");
    Path gone = file("a/y.jpg", "y");
    ImageFolderSource source = ImageFolderSource.open(root);
    Files.delete(gone);

    assertThatThrownBy(() -> source.read(1))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(gone.toString());
    assertThat(source.sourceName(1)).isEqualTo(gone.toString());
  }

  @Test
  void readWithReuse_bufferLargeEnough_readsIntoItAndReturnsIt() throws IOException {
    file("a/x.jpg", "pretend jpeg bytes");
    file("a/y.jpg", "short");
    ImageFolderSource source = ImageFolderSource.open(root);
    ByteBuffer reuse = ByteBuffer.allocateDirect(64);

    ByteBuffer first = source.read(0, reuse);
    String firstText = StandardCharsets.UTF_8.decode(first).toString();
    ByteBuffer second = source.read(1, reuse);

    assertThat(first).isSameAs(reuse);
    assertThat(firstText).isEqualTo("pretend jpeg bytes");
    assertThat(second).isSameAs(reuse);
    assertThat(second.position()).isZero();
    assertThat(StandardCharsets.UTF_8.decode(second).toString()).isEqualTo("short");
  }

  @Test
  void readWithReuse_bufferTooSmallOrNull_returnsANewDirectBufferWithTheBytes() throws IOException {
    file("a/x.jpg", "pretend jpeg bytes");
    ImageFolderSource source = ImageFolderSource.open(root);

    ByteBuffer fromSmall = source.read(0, ByteBuffer.allocateDirect(4));
    ByteBuffer fromNull = source.read(0, null);

    for (ByteBuffer bytes : List.of(fromSmall, fromNull)) {
      assertThat(bytes.isDirect()).isTrue();
      assertThat(bytes.capacity()).isGreaterThanOrEqualTo(18);
      assertThat(StandardCharsets.UTF_8.decode(bytes).toString()).isEqualTo("pretend jpeg bytes");
    }
  }

  @Test
  void readWithReuse_fileDeletedAfterOpen_throwsIOExceptionNamingTheFile() throws IOException {
    Path gone = file("a/x.jpg", "x");
    ImageFolderSource source = ImageFolderSource.open(root);
    Files.delete(gone);

    assertThatThrownBy(() -> source.read(0, ByteBuffer.allocateDirect(16)))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(gone.toString());
  }
}
