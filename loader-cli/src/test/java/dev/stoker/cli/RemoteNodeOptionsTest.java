package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

/** {@code --remote} and its companions: parsing, contradictions, and a node that is not there. */
class RemoteNodeOptionsTest {
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream savedErr;

  @BeforeEach
  void captureErr() {
    savedErr = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreErr() {
    System.setErr(savedErr);
  }

  private static BenchCommand parseBench(String... args) {
    BenchCommand bench = new BenchCommand();
    new CommandLine(bench).parseArgs(args);
    return bench;
  }

  @Test
  void parse_severalNodesTokenAndTls_allKept() {
    BenchCommand bench = parseBench("--remote", "node1:7311,10.0.0.2:7312,[::1]:7313", "--token-file", "/etc/t",
        "--tls", "--tls-trust", "node.pem");

    assertThat(bench.remote.given()).isTrue();
    assertThat(bench.remote.addresses()).extracting(InetSocketAddress::getHostString, InetSocketAddress::getPort)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("node1", 7311),
            org.assertj.core.groups.Tuple.tuple("10.0.0.2", 7312), org.assertj.core.groups.Tuple.tuple("::1", 7313));
    assertThat(bench.remote.tokenFile).isEqualTo(Path.of("/etc/t"));
    assertThat(bench.remote.tls).isTrue();
    assertThat(bench.remote.tlsTrust).isEqualTo(Path.of("node.pem"));
    assertThat(bench.dir).isNull();
  }

  @Test
  void parse_dnsNameAndRediscoverEvery_kept() {
    BenchCommand bench = parseBench("--remote", "dns:stoker-nodes.training.svc.cluster.local:7311",
        "--rediscover-every", "2s");

    assertThat(bench.remote.given()).isTrue();
    assertThat(bench.remote.dns()).isTrue();
    assertThat(bench.remote.rediscoverEvery).isEqualTo(java.time.Duration.ofSeconds(2));
    assertThat(bench.remote.discovery().describe()).isEqualTo("dns:stoker-nodes.training.svc.cluster.local:7311");
  }

  @Test
  void parse_hostList_isNotDns_negativeControl() {
    BenchCommand bench = parseBench("--remote", "dns-node:7311,node2:7311");
    assertThat(bench.remote.dns()).isFalse();
    assertThat(bench.remote.discovery().describe()).isEqualTo("2 nodes");
  }

  @Test
  void convert_badDnsForms_failWithAnExample() {
    RemoteNodeOptions.NodeAddress converter = new RemoteNodeOptions.NodeAddress();
    assertThatThrownBy(() -> converter.convert("dns:nodes")).isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("is not dns:NAME:PORT");
    assertThatThrownBy(() -> converter.convert("dns::7311")).isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("is not dns:NAME:PORT");
    assertThatThrownBy(() -> converter.convert("dns:nodes:http")).isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("the port must be a number");
    assertThatThrownBy(() -> converter.convert("dns:nodes:0")).isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("1..65535");
  }

  @Test
  void bench_dnsNameWithOtherNodes_refused() {
    assertThat(StokerCli.run("bench", "--remote", "dns:nodes:7311,node2:7311")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--remote dns:NAME:PORT names every node by itself");
  }

  @Test
  void bench_rediscoverEveryWithoutADnsName_refused() {
    assertThat(StokerCli.run("bench", "--remote", "127.0.0.1:7311", "--rediscover-every", "5s")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--rediscover-every goes with --remote dns:NAME:PORT");
    err.reset();
    assertThat(StokerCli.run("bench", "/tmp/data", "--rediscover-every", "5s")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--rediscover-every goes with --remote dns:NAME:PORT");
  }

  @Test
  void convert_badAddresses_failWithAnExample() {
    RemoteNodeOptions.NodeAddress converter = new RemoteNodeOptions.NodeAddress();
    assertThatThrownBy(() -> converter.convert("node1")).isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("is not HOST:PORT");
    assertThatThrownBy(() -> converter.convert("node1:http")).isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("the port must be a number");
    assertThatThrownBy(() -> converter.convert("node1:70000")).isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("1..65535");
    assertThatThrownBy(() -> converter.convert("::1:7311")).isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("in brackets");
  }

  @Test
  void bench_remoteAndDir_refusedNamingBoth() {
    assertThat(StokerCli.run("bench", "/tmp/data", "--remote", "127.0.0.1:7311")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("give either a dataset (DIR or --annotations/--images) or --remote");
  }

  @Test
  void bench_tokenFileWithoutRemote_refused() {
    assertThat(StokerCli.run("bench", "/tmp/data", "--token-file", "/tmp/token")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--token-file, --tls and --tls-trust go with --remote");
  }

  @Test
  void bench_remoteWithFloor_refused() {
    assertThat(StokerCli.run("bench", "--remote", "127.0.0.1:7311", "--floor")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--floor decodes the files here");
  }

  @Test
  void demo_remoteWithCache_refused() {
    assertThat(StokerCli.run("demo", "--remote", "127.0.0.1:7311", "--cache-bytes", "1m")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--cache-bytes caches local files");
  }

  @Test
  void bench_remoteWithLocalFileOptions_refusedInsteadOfIgnored() {
    assertThat(StokerCli.run("bench", "--remote", "127.0.0.1:7311", "--max-image-bytes", "1m")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("with --remote the nodes read them (give them to stoker serve)");
    err.reset();
    assertThat(StokerCli.run("demo", "--remote", "127.0.0.1:7311", "--allow-absolute-paths")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--allow-absolute-paths and --max-image-bytes");
  }

  @Test
  void bench_tokenWithoutTlsToANonLoopbackNode_refusedSayingWhy() throws Exception {
    Path token = java.nio.file.Files.createTempFile("stoker-token", "");
    try {
      java.nio.file.Files.writeString(token, "t".repeat(44));
      assertThat(StokerCli.run("bench", "--remote", "192.0.2.7:7311", "--token-file", token.toString())).isEqualTo(1);
      assertThat(err.toString(StandardCharsets.UTF_8))
          .contains("refusing to send a token to node 192.0.2.7:7311 without TLS");
    } finally {
      java.nio.file.Files.delete(token);
    }
  }

  @Test
  void bench_remoteNodeNotListening_failsNamingIt() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort(); // free once closed
    }
    assertThat(StokerCli.run("bench", "--remote", "127.0.0.1:" + port)).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("node 127.0.0.1:" + port + " cannot be reached");
  }
}
