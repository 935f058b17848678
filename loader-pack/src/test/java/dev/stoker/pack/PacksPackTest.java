package dev.stoker.pack;

import static dev.stoker.pack.TarFixtures.bytes;
import static dev.stoker.pack.WebDatasetSourceTest.bytesOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.SampleSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Packs.open on a Stoker pack (made here by hand: one shard, its index and descriptor) hands it to the pack reader. */
class PacksPackTest {
  @TempDir Path dir;

  private Path pack() throws IOException, NoSuchAlgorithmException {
    byte[] shard = TarFixtures.tar(TarArchiveOutputStream.LONGFILE_POSIX,
        PackDescriptor.key(0) + ".jpg", bytes(0, 700), PackDescriptor.key(0) + ".cls", TarFixtures.text("1"),
        PackDescriptor.key(1) + ".jpg", bytes(1, 300), PackDescriptor.key(1) + ".cls", TarFixtures.text("0"));
    // member data follows each 512-byte header: 0.jpg at 512, 0.cls at 512+1024+512, 1.jpg after it
    long first = 512;
    long second = 512 + 1024 + 512 + 512 + 512;
    Files.write(dir.resolve("shard-000000.tar"), shard);
    PackIndex index = new PackIndex.Builder().add(0, first, 700, new int[] {1}, new float[0], new int[0])
        .add(0, second, 300, new int[] {0}, new float[0], new int[0]).build();
    ByteArrayOutputStream indexBytes = new ByteArrayOutputStream();
    index.write(indexBytes);
    Files.write(dir.resolve(PackDescriptor.INDEX_NAME), indexBytes.toByteArray());
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(shard));
    PackDescriptor d = new PackDescriptor(PackDescriptor.VERSION, PackDescriptor.JPEG, 0, 90, List.of("a", "b"),
        false, 0, 1, 2, List.of(new PackDescriptor.Shard("shard-000000.tar", 2, shard.length, sha)), 0, List.of(),
        "test", "2026-12-06T00:00:00Z", "test");
    Files.write(dir.resolve(PackDescriptor.FILE_NAME), DescriptorJson.write(d));
    return dir;
  }

  @Test
  void open_packDirectoryOrDescriptor_readByThePackReader() throws Exception {
    Path pack = pack();
    for (String location : List.of(pack.toString(), pack.resolve(PackDescriptor.FILE_NAME).toString())) {
      SampleSource source = Packs.open(location);
      assertThat(source.getClass().getSimpleName()).isEqualTo("PackSource");
      assertThat(source.size()).isEqualTo(2);
      assertThat(source.classes()).containsExactly("a", "b");
      assertThat(source.label(0)).isEqualTo(1);
      assertThat(bytesOf(source.read(0))).isEqualTo(bytes(0, 700));
      assertThat(bytesOf(source.read(1))).isEqualTo(bytes(1, 300));
      ((AutoCloseable) source).close();
    }
  }
}
