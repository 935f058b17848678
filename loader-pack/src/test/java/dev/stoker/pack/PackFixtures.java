package dev.stoker.pack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stoker.testkit.BadImageFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads back what the writer wrote; builds small datasets. */
final class PackFixtures {
  private PackFixtures() {}

  static PackDescriptor descriptor(Path pack) throws IOException {
    return DescriptorJson.read(ByteBuffer.wrap(Files.readAllBytes(pack.resolve(PackDescriptor.FILE_NAME))), "d");
  }

  static PackIndex index(Path pack) throws IOException {
    return PackIndex.read(ByteBuffer.wrap(Files.readAllBytes(pack.resolve(PackDescriptor.INDEX_NAME))),
        descriptor(pack), "i");
  }

  static List<String> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /**
   * A COCO dataset of {@code n} JPEGs of 200x100 pixels, image i with two boxes: [10, 20, 60, 40]
   * (category 1) and [100 + i, 0, 50, 100] (category 2), as COCO's x, y, w, h.
   */
  static Path coco(Path root, int n) throws IOException {
    ObjectMapper m = new ObjectMapper();
    ObjectNode o = m.createObjectNode();
    ArrayNode images = o.putArray("images");
    ArrayNode annotations = o.putArray("annotations");
    Files.createDirectories(root.resolve("images"));
    int id = 1;
    for (int i = 0; i < n; i++) {
      String file = String.format("%05d.jpg", i);
      Files.write(root.resolve("images").resolve(file), BadImageFiles.goodJpeg(200, 100, i));
      images.addObject().put("id", i + 1).put("file_name", file).put("width", 200).put("height", 100);
      annotations.addObject().put("id", id++).put("image_id", i + 1).put("category_id", 1).put("iscrowd", 0)
          .putArray("bbox").add(10).add(20).add(60).add(40);
      annotations.addObject().put("id", id++).put("image_id", i + 1).put("category_id", 2).put("iscrowd", 0)
          .putArray("bbox").add(100 + i).add(0).add(50).add(100);
    }
    ArrayNode categories = o.putArray("categories");
    categories.addObject().put("id", 1).put("name", "left");
    categories.addObject().put("id", 2).put("name", "right");
    Files.write(root.resolve("annotations.json"), m.writeValueAsBytes(o));
    return root;
  }

  static List<byte[]> shardBytes(Path pack) throws IOException {
    List<byte[]> out = new ArrayList<>();
    for (String f : files(pack)) {
      if (f.endsWith(".tar")) {
        out.add(Files.readAllBytes(pack.resolve(f)));
      }
    }
    return out;
  }
}
