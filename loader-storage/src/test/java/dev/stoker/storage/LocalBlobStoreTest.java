package dev.stoker.storage;

import static dev.stoker.storage.S3BlobStoreTest.array;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalBlobStoreTest {
  @TempDir
  Path dir;

  @Test
  void read_range_returnsExactBytes() throws IOException {
    byte[] blob = S3BlobStoreTest.bytes(5000, 1);
    Files.createDirectories(dir.resolve("root/sub"));
    Files.write(dir.resolve("root/sub/a.tar"), blob);
    try (BlobStore store = BlobStores.open(dir.resolve("root").toString(), StorageOptions.defaults())) {
      assertThat(array(store.read("sub/a.tar", 100, 200))).isEqualTo(Arrays.copyOfRange(blob, 100, 300));
      assertThat(store.size("sub/a.tar")).isEqualTo(5000);
    }
  }

  @Test
  void read_pastTheEnd_throwsEofNamingTheFile() throws IOException {
    Files.write(dir.resolve("a.bin"), new byte[10]);
    try (BlobStore store = BlobStores.open(dir.toString(), StorageOptions.defaults())) {
      assertThatThrownBy(() -> store.read("a.bin", 5, 6)).isInstanceOf(EOFException.class).hasMessageContaining("a.bin");
      assertThatThrownBy(() -> store.read("missing.bin", 0, 1)).isInstanceOf(NoSuchFileException.class);
    }
  }

  @Test
  void keys_leavingTheRoot_areRefused() throws IOException {
    Files.createDirectories(dir.resolve("root"));
    Files.write(dir.resolve("secret"), new byte[10]);
    try (BlobStore store = BlobStores.open(dir.resolve("root").toUri().toString(), StorageOptions.defaults())) {
      for (String key : new String[] {"../secret", "/etc/passwd", "a/../../secret", "a\\..\\secret", "", "./x", "a\0b"}) {
        assertThatThrownBy(() -> store.read(key, 0, 1)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("key");
      }
    }
  }

  @Test
  void keys_throughASymlinkOutOfTheRoot_areRefused() throws IOException {
    Files.createDirectories(dir.resolve("root"));
    Files.createDirectories(dir.resolve("outside"));
    Files.write(dir.resolve("outside/secret"), new byte[10]);
    Files.createSymbolicLink(dir.resolve("root/link"), dir.resolve("outside"));
    Files.createSymbolicLink(dir.resolve("root/file-link"), dir.resolve("outside/secret"));
    try (BlobStore store = BlobStores.open(dir.resolve("root").toString(), StorageOptions.defaults())) {
      assertThatThrownBy(() -> store.read("link/secret", 0, 1)).isInstanceOf(IOException.class)
          .hasMessageContaining("links outside");
      assertThatThrownBy(() -> store.size("file-link")).isInstanceOf(IOException.class)
          .hasMessageContaining("links outside");
    }
  }

  @Test
  void list_files_sortedAndBoundedByMaxKeys() throws IOException {
    for (String name : new String[] {"b.tar", "a.tar", "sub/c.tar", "x.json"}) {
      Files.createDirectories(dir.resolve(name).getParent());
      Files.write(dir.resolve(name), new byte[1]);
    }
    try (BlobStore store = BlobStores.open(dir.toString(), StorageOptions.defaults())) {
      assertThat(store.list("", 10)).containsExactly("a.tar", "b.tar", "sub/c.tar", "x.json");
      assertThat(store.list("sub/", 1)).containsExactly("sub/c.tar");
      assertThatThrownBy(() -> store.list("", 3)).isInstanceOf(IOException.class).hasMessageContaining("more than 3");
      assertThat(store.listable()).isTrue();
    }
  }
}
