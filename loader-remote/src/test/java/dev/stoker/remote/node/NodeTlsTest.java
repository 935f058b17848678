package dev.stoker.remote.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.LoaderException;
import dev.stoker.api.SampleSource;
import dev.stoker.dataset.ImageFolderSource;
import dev.stoker.remote.protocol.Message.Chunk;
import dev.stoker.remote.protocol.Message.ChunkDone;
import dev.stoker.remote.protocol.Message.Credit;
import dev.stoker.remote.protocol.Message.Hello;
import dev.stoker.remote.protocol.Message.Sample;
import dev.stoker.remote.protocol.Protocol;
import dev.stoker.remote.protocol.TokenAuth;
import dev.stoker.testkit.GradientImageFolder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node with TLS (a self-signed certificate made by the test, as PEM files the node reads) and a
 * token: a TLS client completes the handshake and gets samples; a plaintext client gets nothing.
 */
class NodeTlsTest {
  private static final byte[] TOKEN = "tls-token-of-at-least-thirty-two-bytes".getBytes(StandardCharsets.US_ASCII);

  @TempDir
  static Path root;
  static SampleSource source;
  static X509Bundle certificate;
  static Path certFile;
  static Path keyFile;
  static Path tokenFile;

  @BeforeAll
  static void setUp() throws Exception {
    source = ImageFolderSource.open(GradientImageFolder.of(4).withBroken().writeTo(root.resolve("data")));
    certificate = new CertificateBuilder().subject("CN=localhost").addSanDnsName("localhost")
        .addSanIpAddress("127.0.0.1").setIsCertificateAuthority(true).buildSelfSigned();
    certFile = Files.writeString(root.resolve("node.crt"), certificate.getCertificatePEM());
    keyFile = Files.writeString(root.resolve("node.key"), certificate.getPrivateKeyPEM());
    tokenFile = Files.write(root.resolve("token"), TOKEN);
  }

  private static DataNode start() {
    return DataNode.start(DataNodeConfig.loopback(source).withTls(certFile, keyFile).withToken(tokenFile)
        .withWorkers(1));
  }

  @Test
  void tlsNode_tlsClient_handshakeAndChunkRoundTrip() throws Exception {
    SslContext trusting = SslContextBuilder.forClient().trustManager(certificate.toTrustManagerFactory()).build();
    try (DataNode node = start();
        TestClient client = TestClient.ready(node.address(), trusting, TOKEN, node.datasetIdentity(),
            NodeHandlerTest.PLAN)) {
      assertThat(client.welcome.tokenRequired()).isTrue();
      client.send(new Chunk(1, 0, new int[] {0, 1}));
      client.send(new Credit(2));
      for (int p = 0; p < 2; p++) {
        Sample sample = client.next(Sample.class);
        assertThat(sample.position()).isEqualTo(p);
        assertThat(sample.pixels().readableBytes()).isEqualTo(32 * 32 * 3);
        sample.release();
      }
      assertThat(client.next()).isEqualTo(new ChunkDone(1));
    }
  }

  @Test
  void tlsNode_plaintextClient_closedWithoutAnswer() {
    try (DataNode node = start(); TestClient client = TestClient.connect(node.address())) {
      client.send(new Hello(Protocol.VERSION, TokenAuth.nonce()));
      assertThatThrownBy(client::next).hasMessageContaining("closed the connection");
      assertThat(client.drainNow()).isEmpty();
    }
  }

  @Test
  void start_certificateFileMissing_namesTheFile() {
    Path missing = root.resolve("missing.crt");
    assertThatThrownBy(() -> DataNode.start(DataNodeConfig.loopback(source).withTls(missing, keyFile)))
        .isInstanceOf(LoaderException.class).hasMessageContaining(missing.toString());
  }

  @Test
  void start_keyThatIsNotPem_namesBothFiles() throws IOException {
    Path bad = Files.writeString(root.resolve("bad.key"), "not a key");
    assertThatThrownBy(() -> DataNode.start(DataNodeConfig.loopback(source).withTls(certFile, bad)))
        .isInstanceOf(LoaderException.class).hasMessageContaining(certFile.toString())
        .hasMessageContaining(bad.toString());
  }

  @Test
  void start_nonLoopbackWithTlsAndToken_starts() throws Exception {
    DataNodeConfig open = new DataNodeConfig(source, InetAddress.getByName("0.0.0.0"), 0, certFile, keyFile,
        tokenFile, 1, DataNodeConfig.DEFAULT_MAX_FRAME_BYTES);
    try (DataNode node = DataNode.start(open)) {
      assertThat(node.address().getPort()).isPositive();
      assertThat(node.address().getAddress().isAnyLocalAddress()).isTrue();
    }
  }
}
