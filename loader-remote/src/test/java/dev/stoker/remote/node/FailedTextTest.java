package dev.stoker.remote.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.SampleSource;
import dev.stoker.dataset.CocoSource;
import dev.stoker.remote.protocol.Message;
import dev.stoker.remote.protocol.Message.Chunk;
import dev.stoker.remote.protocol.Message.ChunkDone;
import dev.stoker.remote.protocol.Message.Credit;
import dev.stoker.remote.protocol.Message.Failed;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a FAILED frame tells a client about a file the dataset named that is not an image, or that
 * lies outside the dataset: the file's name and what was wrong, never its bytes.
 */
class FailedTextTest {
  private static final String MARKER = "SECRETMARKER-5b1e-do-not-send";

  @TempDir
  Path root;

  @Test
  void chunk_samplesThatAreNotImagesOrLeadOutside_failedFramesCarryNoFileBytes() throws IOException {
    Path images = Files.createDirectories(root.resolve("data/images"));
    Path secret = Files.writeString(root.resolve("secret.txt"), MARKER + "\n");
    Files.writeString(images.resolve("notes.jpg"), MARKER + " is a text file\n");
    Files.createSymbolicLink(images.resolve("link.jpg"), secret);
    Path json = Files.writeString(root.resolve("data/annotations.json"), "{\"images\": ["
        + "{\"id\": 1, \"file_name\": \"notes.jpg\"}, {\"id\": 2, \"file_name\": \"link.jpg\"},"
        + "{\"id\": 3, \"file_name\": \"../../secret.txt\"}],"
        + "\"annotations\": [], \"categories\": [{\"id\": 1, \"name\": \"x\"}]}");
    SampleSource source = CocoSource.open(json, images);
    assertThat(source.size()).as("the ../ name is skipped at open").isEqualTo(2);

    List<Failed> failures = new ArrayList<>();
    try (DataNode node = DataNode.start(DataNodeConfig.loopback(source).withWorkers(1));
        TestClient client = TestClient.ready(node.address(), null, null, node.datasetIdentity(),
            NodeHandlerTest.PLAN)) {
      client.send(new Chunk(1, 0, new int[] {0, 1}));
      client.send(new Credit(2));
      for (int p = 0; p < 2; p++) {
        Message message = client.next();
        try {
          assertThat(message).isInstanceOf(Failed.class);
          failures.add((Failed) message);
        } finally {
          ReferenceCountUtil.release(message);
        }
      }
      assertThat(client.next()).isEqualTo(new ChunkDone(1));
    }

    assertThat(failures.get(0).source()).isEqualTo(images.resolve("notes.jpg").toString());
    assertThat(failures.get(0).error()).contains("notes.jpg").containsAnyOf("not a JPEG or PNG",
        "not a recognised image format");
    assertThat(failures.get(1).error()).contains("link.jpg: refused: a symbolic link leads outside");
    for (Failed f : failures) {
      assertThat(f.error()).doesNotContain("SECRET").doesNotContainIgnoringCase("53 45 43 52")
          .doesNotContainIgnoringCase("53454352").doesNotContainIgnoringCase("0x53");
    }
  }
}
