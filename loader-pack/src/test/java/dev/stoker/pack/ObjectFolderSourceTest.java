package dev.stoker.pack;

import static dev.stoker.pack.TarFixtures.bytes;
import static dev.stoker.pack.WebDatasetSourceTest.bytesOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.LoaderException;
import dev.stoker.storage.BlobStore;
import dev.stoker.storage.BlobStores;
import dev.stoker.storage.StorageOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectFolderSourceTest {
  @TempDir Path dir;

  private void put(String key, byte[] data) throws IOException {
    Path file = dir.resolve(key);
    Files.createDirectories(file.getParent());
    Files.write(file, data);
  }

  private ObjectFolderSource open(PackReadOptions options) throws IOException {
    BlobStore store = BlobStores.open(dir.toString(), StorageOptions.defaults());
    return ObjectFolderSource.open(store, "test:" + dir, store.list("", ObjectFolderSource.MAX_KEYS), options);
  }

  @Test
  void open_imageFolderLayout_classesSortedSamplesByClassThenKey() throws IOException {
    put("cat/b.jpg", bytes(1, 100));
    put("cat/a.JPG", bytes(2, 200));
    put("cat/notes.txt", bytes(3, 10));
    put("cat/.z.jpg", bytes(4, 10));
    put("dog/sub/x.png", bytes(5, 300));
    put("dog-wild/y.jpeg", bytes(6, 50));
    put(".hidden/y.jpg", bytes(7, 10));
    put("loose.jpg", bytes(8, 10));
    put("empty/readme.txt", bytes(9, 10));
    ObjectFolderSource source = open(PackReadOptions.defaults());
    assertThat(source.classes()).containsExactly("cat", "dog", "dog-wild", "empty");
    assertThat(source.size()).isEqualTo(4);
    assertThat(source.sourceName(0)).endsWith("/cat/a.JPG");
    assertThat(source.sourceName(1)).endsWith("/cat/b.jpg");
    assertThat(source.sourceName(2)).endsWith("/dog/sub/x.png");
    assertThat(source.sourceName(3)).endsWith("/dog-wild/y.jpeg");
    assertThat(new int[] {source.label(0), source.label(1), source.label(2), source.label(3)})
        .containsExactly(0, 0, 1, 2);
    assertThat(bytesOf(source.read(0))).isEqualTo(bytes(2, 200));
    assertThat(bytesOf(source.read(2))).isEqualTo(bytes(5, 300));
    assertThat(source.warnings()).hasSize(3);
    assertThat(String.join("\n", source.warnings())).contains("1 image at the top level (e.g. loose.jpg)")
        .contains("2 hidden image names").contains("class 'empty' (label 3) has no samples");
  }

  @Test
  void read_objectOverTheCap_failsNamingIt() throws IOException {
    put("cat/big.jpg", bytes(1, 5000));
    put("cat/small.jpg", bytes(2, 10));
    PackReadOptions tight = new PackReadOptions(StorageOptions.defaults(), false, 1000, 1 << 20, 64 << 10, 4999);
    ObjectFolderSource source = open(tight);
    assertThat(bytesOf(source.read(1))).isEqualTo(bytes(2, 10));
    assertThatThrownBy(() -> source.read(0)).isInstanceOf(IOException.class)
        .hasMessageContaining("cat/big.jpg").hasMessageContaining("5000 bytes, over the limit of 4999");
  }

  @Test
  void open_noImageInAClass_failsNamingTheLocation() throws IOException {
    put("x.jpg", bytes(1, 10));
    put("cat/readme.txt", bytes(2, 10));
    assertThatThrownBy(() -> open(PackReadOptions.defaults())).isInstanceOf(LoaderException.class)
        .hasMessageContaining("test:" + dir).hasMessageContaining("no images found")
        .hasMessageContaining("1 images at the top level");
  }
}
