package dev.stoker.remote.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.LoaderException;
import dev.stoker.api.SampleSource;
import dev.stoker.pipeline.Loader;
import dev.stoker.remote.protocol.DatasetIdentity;
import dev.stoker.remote.protocol.LeakRecorder;
import dev.stoker.remote.protocol.Protocol;
import dev.stoker.remote.protocol.TestImages;
import dev.stoker.testkit.BatchDigests;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.Named;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The handshake from the client's side: tokens both ways, dataset identities, protocol versions
 * and TLS, each refusal a {@link LoaderException} that names the node and the reason.
 */
@Timeout(120)
class RemoteSourceHandshakeTest {
  private static final byte[] TOKEN = "s3cret-token-of-at-least-thirty-two-bytes".getBytes(StandardCharsets.US_ASCII);

  @TempDir
  static Path root;

  private static SampleSource local;
  private static Path tokenFile;
  private static Path otherTokenFile;

  private final List<FakeNode> nodes = new ArrayList<>();

  @BeforeAll
  static void dataset() throws Exception {
    local = TestImages.open(TestImages.make(root.resolve("data")));
    tokenFile = Files.write(root.resolve("token"), (new String(TOKEN, StandardCharsets.US_ASCII) + "\n").getBytes());
    otherTokenFile = Files.writeString(root.resolve("other-token"), "not-the-token-but-also-thirty-two-bytes-long");
  }

  @AfterEach
  void stopNodesAndCheckLeaks() throws InterruptedException {
    nodes.forEach(FakeNode::close);
    assertThat(LeakRecorder.collect("ByteBuf")).isEmpty();
  }

  private FakeNode node(FakeNode node) {
    nodes.add(node);
    return node.start();
  }

  private static String name(FakeNode node) {
    InetSocketAddress a = node.address();
    return a.getHostString() + ":" + a.getPort();
  }

  private static RemoteOptions options() {
    return RemoteOptions.defaults().withTimings(Duration.ofSeconds(5), Duration.ofMillis(50));
  }

  private static void build(RemoteSource remote) {
    TestImages.settings(remote).build().close();
  }

  @Test
  void configure_rightToken_nodeReady() {
    FakeNode node = node(FakeNode.serving(local).token(TOKEN));
    try (RemoteSource remote = RemoteSource.connect(List.of(node.address()), options().withToken(tokenFile))) {
      build(remote);
      assertThat(remote.readyNodes()).isEqualTo(1);
      assertThat(node.sessions()).isEqualTo(1);
    }
  }

  @Test
  void connect_wrongToken_failsNamingTheNode() {
    FakeNode node = node(FakeNode.serving(local).token(TOKEN));
    // the node checks the proof before it says anything about its dataset: connect fails already
    assertThatThrownBy(() -> RemoteSource.connect(List.of(node.address()), options().withToken(otherTokenFile)))
        .isInstanceOf(LoaderException.class)
        .hasMessageContaining("node " + name(node) + " refused the token")
        .hasMessageContaining("wrong token proof");
  }

  @Test
  void connect_nodeRequiresATokenAndClientHasNone_failsNamingTheNode() {
    FakeNode node = node(FakeNode.serving(local).token(TOKEN));
    assertThatThrownBy(() -> RemoteSource.connect(List.of(node.address()), options()))
        .isInstanceOf(LoaderException.class)
        .hasMessageContaining("node " + name(node) + " requires a token");
  }

  @Test
  void connect_clientHasATokenAndNodeNone_failsBecauseTheNodeProvesNothing() {
    FakeNode node = node(FakeNode.serving(local));
    // the node's proof comes with its DATASET now, so nothing it says is believed without it
    assertThatThrownBy(() -> RemoteSource.connect(List.of(node.address()), options().withToken(tokenFile)))
        .isInstanceOf(LoaderException.class)
        .hasMessageContaining("node " + name(node) + " did not prove that it holds the token");
  }

  static Stream<Arguments> forgedProofs() {
    byte[] random = new byte[32];
    new java.util.SplittableRandom(3).nextBytes(random);
    return Stream.of(Arguments.of(Named.of("32 zero bytes", new byte[32])),
        Arguments.of(Named.of("32 random bytes", random)));
  }

  @ParameterizedTest
  @MethodSource("forgedProofs")
  void connect_nodeWithoutTheTokenForgesAProof_failsBecauseTheNodeProvesNothing(byte[] proof) {
    FakeNode node = node(FakeNode.serving(local).forgeProof(proof));
    assertThatThrownBy(() -> RemoteSource.connect(List.of(node.address()), options().withToken(tokenFile)))
        .isInstanceOf(LoaderException.class)
        .hasMessageContaining("node " + name(node) + " did not prove that it holds the token");
  }

  @Test
  void connect_nodeSendsBackTheClientsOwnProof_failsBecauseTheNodeProvesNothing() {
    // a node that holds no token could replay the client's AUTH proof: the labels make the two differ
    FakeNode node = node(FakeNode.serving(local).reflectProof());
    assertThatThrownBy(() -> RemoteSource.connect(List.of(node.address()), options().withToken(tokenFile)))
        .isInstanceOf(LoaderException.class)
        .hasMessageContaining("node " + name(node) + " did not prove that it holds the token");
  }

  @Test
  void connect_tokenWithoutTlsToANonLoopbackNode_refusedBeforeConnecting() {
    InetSocketAddress remote = InetSocketAddress.createUnresolved("192.0.2.7", 7311); // TEST-NET-1
    assertThatThrownBy(() -> RemoteSource.connect(List.of(remote), options().withToken(tokenFile)))
        .isInstanceOf(LoaderException.class)
        .hasMessageContaining("refusing to send a token to node 192.0.2.7:7311 without TLS")
        .hasMessageContaining("--tls");
  }

  @Test
  void connect_tokenWithoutTlsToALoopbackName_allowed_negativeControl() {
    FakeNode node = node(FakeNode.serving(local).token(TOKEN));
    InetSocketAddress byName = InetSocketAddress.createUnresolved("localhost", node.address().getPort());
    try (RemoteSource remote = RemoteSource.connect(List.of(byName), options().withToken(tokenFile))) {
      assertThat(remote.size()).isEqualTo(local.size());
    }
  }

  @Test
  void connect_nodesServeDifferentDatasets_failsNamingBoth() {
    FakeNode a = node(FakeNode.serving(local));
    FakeNode b = node(FakeNode.serving(local).identity("sha256:000000000000000000000000/18"));
    assertThatThrownBy(() -> RemoteSource.connect(List.of(a.address(), b.address()), options()))
        .isInstanceOf(LoaderException.class)
        .hasMessageContaining("the nodes serve different datasets")
        .hasMessageContaining(name(a) + " serves " + DatasetIdentity.of(local))
        .hasMessageContaining(name(b) + " serves sha256:000000000000000000000000/18");
  }

  @Test
  void connect_nodeServesAnotherThanExpected_failsNamingBoth() {
    FakeNode node = node(FakeNode.serving(local));
    RemoteOptions options = options().withExpectedIdentity("sha256:ffffffffffffffffffffffff/18");
    assertThatThrownBy(() -> RemoteSource.connect(List.of(node.address()), options))
        .isInstanceOf(LoaderException.class)
        .hasMessageContaining("node " + name(node) + " serves dataset " + DatasetIdentity.of(local)
            + ", but the client expects sha256:ffffffffffffffffffffffff/18");
  }

  @Test
  void connect_expectedIdentityMatches_metadataFromTheNode() {
    FakeNode node = node(FakeNode.serving(local));
    RemoteOptions options = options().withExpectedIdentity(DatasetIdentity.of(local));
    try (RemoteSource remote = RemoteSource.connect(List.of(node.address()), options)) {
      assertThat(remote.identity()).isEqualTo(DatasetIdentity.of(local));
      assertThat(remote.size()).isEqualTo(local.size());
      assertThat(remote.classes()).isEqualTo(local.classes());
      assertThat(remote.hasBoxes()).isFalse();
      assertThat(remote.description()).contains(name(node)).contains(DatasetIdentity.of(local));
      // the nodes read and process the samples: the client is a supplier, not a source that cannot read
      assertThat((Object) remote).isNotInstanceOf(SampleSource.class);
    }
  }

  @Test
  void connect_nodeRefusesTheVersion_failsWithTheNodesReason() {
    FakeNode node = node(FakeNode.serving(local).refuseVersion());
    assertThatThrownBy(() -> RemoteSource.connect(List.of(node.address()), options()))
        .isInstanceOf(LoaderException.class)
        .hasMessageContaining("node " + name(node) + " speaks another protocol version")
        .hasMessageContaining("this side speaks 9");
  }

  @Test
  void connect_welcomeOfAnotherVersion_failsNamingTheVersion() {
    FakeNode node = node(FakeNode.serving(local).welcomeVersion(Protocol.VERSION + 1));
    assertThatThrownBy(() -> RemoteSource.connect(List.of(node.address()), options()))
        .isInstanceOf(LoaderException.class)
        .hasMessageContaining("node " + name(node) + " sent a frame this client cannot read")
        .hasMessageContaining("protocol version " + (Protocol.VERSION + 1));
  }

  @Test
  void connect_nothingListens_failsNamingTheAddress() throws Exception {
    FakeNode gone = node(FakeNode.serving(local));
    InetSocketAddress address = gone.address();
    gone.kill();
    assertThatThrownBy(() -> RemoteSource.connect(List.of(address), options()))
        .isInstanceOf(LoaderException.class)
        .hasMessageContaining("node " + address.getHostString() + ":" + address.getPort() + " cannot be reached");
  }

  @Test
  void run_overTlsWithTheNodesCertificateTrusted_sameBatchesAsLocal() throws Exception {
    X509Bundle cert = new CertificateBuilder().subject("CN=localhost").addSanDnsName("localhost")
        .addSanIpAddress("127.0.0.1").setIsCertificateAuthority(true).buildSelfSigned();
    Path pem = Files.writeString(root.resolve("node.pem"), cert.getCertificatePEM());
    FakeNode node = node(FakeNode.serving(local).token(TOKEN)
        .tls(SslContextBuilder.forServer(cert.toKeyManagerFactory()).build()));
    BatchDigests.Run expected;
    try (Loader loader = TestImages.settings(local).build()) {
      expected = BatchDigests.run(loader, 0, 1);
    }
    try (RemoteSource remote = RemoteSource.connect(List.of(node.address()),
            options().withToken(tokenFile).withTls(pem));
        Loader loader = TestImages.settings(remote).build()) {
      assertThat(BatchDigests.run(loader, 0, 1).digests()).isEqualTo(expected.digests());
    }
  }

  /** The issue: a plain node answered --tls with "not an SSL/TLS record: 00000042017f...". */
  @Test
  void connect_tlsToAPlainNode_failsSayingTheNodeDoesNotSpeakTls() throws Exception {
    X509Bundle cert = new CertificateBuilder().subject("CN=localhost").addSanIpAddress("127.0.0.1")
        .setIsCertificateAuthority(true).buildSelfSigned();
    Path pem = Files.writeString(root.resolve("plain.pem"), cert.getCertificatePEM());
    FakeNode node = node(FakeNode.serving(local).token(TOKEN));

    assertThatThrownBy(() -> RemoteSource.connect(List.of(node.address()), options().withToken(tokenFile).withTls(pem)))
        .isInstanceOf(LoaderException.class)
        .hasMessageContaining("node " + name(node) + " does not speak TLS")
        .hasMessageNotContaining("not an SSL/TLS record")
        .hasMessageNotContaining("0000");
  }

  @Test
  void connect_tlsNodeWithAnUntrustedCertificate_fails() throws Exception {
    X509Bundle cert = new CertificateBuilder().subject("CN=localhost").addSanIpAddress("127.0.0.1")
        .setIsCertificateAuthority(true).buildSelfSigned();
    X509Bundle other = new CertificateBuilder().subject("CN=other").setIsCertificateAuthority(true).buildSelfSigned();
    Path pem = Files.writeString(root.resolve("other.pem"), other.getCertificatePEM());
    FakeNode node = node(FakeNode.serving(local).tls(SslContextBuilder.forServer(cert.toKeyManagerFactory()).build()));
    assertThatThrownBy(() -> RemoteSource.connect(List.of(node.address()), options().withTls(pem)))
        .isInstanceOf(LoaderException.class)
        .hasMessageContaining("node " + name(node) + " failed the TLS handshake");
  }

  @Test
  void connect_tlsNodeWithATrustedCertificateForAnotherHostName_fails() throws Exception {
    // trusted (it is the pinned certificate itself) but issued to another name: a node that stole
    // another host's certificate must not pass for localhost
    X509Bundle cert = new CertificateBuilder().subject("CN=node.example").addSanDnsName("node.example")
        .setIsCertificateAuthority(true).buildSelfSigned();
    Path pem = Files.writeString(root.resolve("node-example.pem"), cert.getCertificatePEM());
    FakeNode node = node(FakeNode.serving(local).tls(SslContextBuilder.forServer(cert.toKeyManagerFactory()).build()));
    assertThatThrownBy(() -> RemoteSource.connect(List.of(node.address()), options().withTls(pem)))
        .isInstanceOf(LoaderException.class)
        .hasMessageContaining("node " + name(node) + " failed the TLS handshake");
  }

  @Test
  void connect_tlsNodeWithATrustedCertificateForItsName_negativeControl_connects() throws Exception {
    X509Bundle cert = new CertificateBuilder().subject("CN=localhost").addSanDnsName("localhost")
        .setIsCertificateAuthority(true).buildSelfSigned();
    Path pem = Files.writeString(root.resolve("localhost.pem"), cert.getCertificatePEM());
    FakeNode node = node(FakeNode.serving(local).tls(SslContextBuilder.forServer(cert.toKeyManagerFactory()).build()));
    RemoteSource.connect(List.of(node.address()), options().withTls(pem)).close();
  }
}
