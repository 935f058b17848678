package dev.stoker.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Directory listing with entry types from readdir, and the portable path it falls back to. */
class DirectoryEntriesTest {
  @TempDir
  Path dir;

  private Map<String, Boolean> listed(Path directory) throws IOException {
    return DirectoryEntries.list(directory).stream().collect(Collectors.toMap(
        e -> directory.relativize(e.path()).toString(), DirectoryEntries.Entry::regularFile));
  }

  @Test
  void list_onLinux_marksPlainFilesOnly() throws IOException {
    assumeTrue(DirectoryEntries.fast(), "readdir is bound on Linux only");
    Files.writeString(dir.resolve("a.jpg"), "a");
    Files.createDirectories(dir.resolve("sub.jpg"));
    Files.createSymbolicLink(dir.resolve("link.jpg"), dir.resolve("a.jpg"));

    assertThat(listed(dir)).containsExactlyInAnyOrderEntriesOf(
        Map.of("a.jpg", true, "sub.jpg", false, "link.jpg", false));
  }

  @Test
  void list_nonAsciiName_isListedByThePortablePathWithItsExactName() throws IOException {
    Files.writeString(dir.resolve("a.jpg"), "a");
    Path accented = Files.writeString(dir.resolve("caf\u00e9.jpg"), "b");

    Map<String, Boolean> entries = listed(dir);

    assertThat(entries).containsOnlyKeys("a.jpg", "caf\u00e9.jpg");
    assertThat(DirectoryEntries.list(dir)).anySatisfy(e -> assertThat(e.path()).isEqualTo(accented));
  }

  @Test
  void list_missingOrNotADirectory_throwsTheFileSystemsException() throws IOException {
    Path file = Files.writeString(dir.resolve("f"), "x");

    assertThatThrownBy(() -> DirectoryEntries.list(dir.resolve("missing"))).isInstanceOf(NoSuchFileException.class);
    assertThatThrownBy(() -> DirectoryEntries.list(file)).isInstanceOf(NotDirectoryException.class);
  }
}
