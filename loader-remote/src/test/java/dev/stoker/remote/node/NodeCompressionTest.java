package dev.stoker.remote.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.SampleSource;
import dev.stoker.dataset.ImageFolderSource;
import dev.stoker.remote.protocol.DatasetIdentity;
import dev.stoker.remote.protocol.Message;
import dev.stoker.remote.protocol.Message.Auth;
import dev.stoker.remote.protocol.Message.Chunk;
import dev.stoker.remote.protocol.Message.Credit;
import dev.stoker.remote.protocol.Message.Hello;
import dev.stoker.remote.protocol.Message.Open;
import dev.stoker.remote.protocol.Message.Ready;
import dev.stoker.remote.protocol.Message.Sample;
import dev.stoker.remote.protocol.Protocol;
import dev.stoker.remote.protocol.TokenAuth;
import dev.stoker.testkit.GradientImageFolder;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The node's half of the negotiation: READY.compression and each SAMPLE's encoding, for OPEN's offer × the node's allowance. */
class NodeCompressionTest {
  @TempDir
  static Path root;
  private static SampleSource source;
  private static String identity;

  @BeforeAll
  static void dataset() throws IOException {
    source = ImageFolderSource.open(GradientImageFolder.of(4).writeTo(root));
    identity = DatasetIdentity.of(source);
  }

  @ParameterizedTest(name = "client offers mask {0}, node allows zstd {1}: encoding {2}")
  @CsvSource({"2, true, 1", "2, false, 0", "0, true, 0", "0, false, 0", "255, true, 1"})
  void open_offerTimesAllowance_readyAndSamplesInTheChosenEncoding(int offered, boolean allowed, int expected) {
    DataNodeConfig.Limits limits = DataNodeConfig.Limits.defaults();
    NodeContext context = new NodeContext(source, identity, null, new PlanMakers(source, limits), Runnable::run,
        Protocol.DEFAULT_MAX_FRAME_BYTES, 8, limits, null, new NodeContext.Stats(),
        allowed ? new SampleCompressor(1) : null);
    EmbeddedChannel channel = new EmbeddedChannel(new NodeHandler(context));
    List<Message> out = new ArrayList<>();
    try {
      channel.writeInbound(new Hello(Protocol.VERSION, TokenAuth.nonce()), new Auth(new byte[0]),
          new Open("", NodeHandlerTest.PLAN, offered), new Chunk(1, 0, new int[] {0, 1, 2}), new Credit(3));
      channel.runPendingTasks();
      Message m;
      while ((m = channel.readOutbound()) != null) {
        out.add(m);
      }
      Ready ready = out.stream().filter(Ready.class::isInstance).map(Ready.class::cast).findFirst().orElseThrow();
      assertThat(ready.compression()).isEqualTo(expected);
      List<Sample> samples = out.stream().filter(Sample.class::isInstance).map(Sample.class::cast).toList();
      assertThat(samples).hasSize(3).allSatisfy(s -> assertThat(s.encoding()).isEqualTo(expected));
      if (expected == Protocol.ENCODING_ZSTD) {
        assertThat(samples).allSatisfy(s -> assertThat((long) s.pixels().readableBytes()).isLessThan(
            context.makers().maker(NodeHandlerTest.PLAN).sampleBytes()));
      }
    } finally {
      out.forEach(ReferenceCountUtil::release);
      channel.finishAndReleaseAll();
      if (context.compressor() != null) {
        context.compressor().close();
      }
    }
  }
}
