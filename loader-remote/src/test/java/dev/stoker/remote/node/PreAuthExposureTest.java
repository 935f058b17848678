package dev.stoker.remote.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.SampleSource;
import dev.stoker.dataset.ImageFolderSource;
import dev.stoker.remote.protocol.DatasetIdentity;
import dev.stoker.remote.protocol.Pipelines;
import dev.stoker.remote.protocol.Protocol;
import dev.stoker.testkit.GradientImageFolder;
import dev.stoker.remote.protocol.TokenAuth;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a node tells a peer that has not proven it knows the token, read off the wire bytes (the
 * real codec on an EmbeddedChannel): its nonce and that a token is required, nothing about the
 * dataset (no class name, size or identity) until AUTH succeeds; a wrong proof gets ERROR only.
 */
class PreAuthExposureTest {
  private static final byte[] TOKEN = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  @TempDir
  static Path root;
  static SampleSource source;
  static String identity;

  private final List<EmbeddedChannel> channels = new ArrayList<>();

  @BeforeAll
  static void dataset() throws IOException {
    source = ImageFolderSource.open(GradientImageFolder.of(9).withBroken().writeTo(root));
    identity = DatasetIdentity.of(source);
  }

  @AfterEach
  void close() {
    channels.forEach(EmbeddedChannel::finishAndReleaseAll);
  }

  private EmbeddedChannel node() {
    NodeContext context = new NodeContext(source, identity, TOKEN, new PlanMakers(source, DataNodeConfig.Limits.defaults()),
        Runnable::run, Protocol.DEFAULT_MAX_FRAME_BYTES, 8, DataNodeConfig.Limits.defaults(), null,
        new NodeContext.Stats());
    EmbeddedChannel channel = new EmbeddedChannel();
    Pipelines.addCodec(channel.pipeline(), Protocol.DEFAULT_MAX_FRAME_BYTES);
    channel.pipeline().addLast(new NodeHandler(context));
    channels.add(channel);
    return channel;
  }

  /** A frame by hand, so that this test reads the wire and not the codec's records. */
  private static ByteBuf frame(int type, byte[]... fields) {
    ByteBuf out = Unpooled.buffer();
    out.writeInt(0).writeByte(Protocol.VERSION).writeByte(type);
    for (byte[] field : fields) {
      out.writeBytes(field);
    }
    return out.setInt(0, out.readableBytes() - Protocol.LENGTH_BYTES);
  }

  private static byte[] bytes8(byte[] value) {
    byte[] out = new byte[value.length + 1];
    out[0] = (byte) value.length;
    System.arraycopy(value, 0, out, 1, value.length);
    return out;
  }

  private static byte[] magic() {
    return new byte[] {'S', 'T', 'K', 'R'};
  }

  /** Everything the node wrote so far, as bytes. */
  private static byte[] written(EmbeddedChannel channel) {
    channel.runPendingTasks();
    ByteBuf all = Unpooled.buffer();
    Object out;
    while ((out = channel.readOutbound()) != null) {
      ByteBuf buf = (ByteBuf) out;
      all.writeBytes(buf);
      buf.release();
    }
    byte[] bytes = ByteBufUtil.getBytes(all);
    all.release();
    return bytes;
  }

  private static void assertRevealsNothing(byte[] wire) {
    String text = new String(wire, StandardCharsets.ISO_8859_1);
    assertThat(text).doesNotContain("class0", "class1", "class2", identity,
        identity.substring("sha256:".length(), identity.indexOf('/')));
  }

  @Test
  void hello_tokenRequired_welcomeHoldsTheNonceAndTheFlagOnly() {
    EmbeddedChannel channel = node();
    channel.writeInbound(frame(Protocol.HELLO, magic(), bytes8(TokenAuth.nonce())));
    byte[] welcome = written(channel);

    assertRevealsNothing(welcome);
    // length u32 | version u8 | type u8 | magic u32 | nonce bytes8 (1 + 16) | tokenRequired u8
    assertThat(welcome).hasSize(4 + 2 + 4 + 1 + Protocol.NONCE_BYTES + 1);
    assertThat(welcome[welcome.length - 1]).as("tokenRequired").isEqualTo((byte) 1);
  }

  @Test
  void auth_wrongProof_errorOnlyAndNothingAboutTheDataset() {
    EmbeddedChannel channel = node();
    channel.writeInbound(frame(Protocol.HELLO, magic(), bytes8(TokenAuth.nonce())));
    written(channel);
    channel.writeInbound(frame(Protocol.AUTH, bytes8(new byte[Protocol.PROOF_BYTES])));
    byte[] answer = written(channel);

    assertRevealsNothing(answer);
    assertThat(answer[5]).as("the answer's type").isEqualTo((byte) Protocol.ERROR);
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void auth_rightProof_datasetFollows_negativeControl() {
    EmbeddedChannel channel = node();
    byte[] clientNonce = TokenAuth.nonce();
    channel.writeInbound(frame(Protocol.HELLO, magic(), bytes8(clientNonce)));
    byte[] welcome = written(channel);
    byte[] nodeNonce = java.util.Arrays.copyOfRange(welcome, 11, 11 + Protocol.NONCE_BYTES);
    channel.writeInbound(frame(Protocol.AUTH, bytes8(TokenAuth.clientProof(TOKEN, nodeNonce, clientNonce))));
    String answer = new String(written(channel), StandardCharsets.ISO_8859_1);

    assertThat(answer).as("after AUTH the client learns the dataset").contains("class0", "class2", identity);
  }
}
