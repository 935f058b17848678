package dev.stoker.remote.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link NodeDiscovery#dns}: every A and AAAA address behind a name, asked again at every lookup
 * (no cache), against a DNS server on loopback ({@link TestDnsServer}).
 */
@Timeout(60)
class DnsDiscoveryTest {
  private static final String NAME = "nodes.stoker.test";
  private TestDnsServer dns;

  @BeforeEach
  void startDns() {
    dns = TestDnsServer.start();
  }

  @AfterEach
  void stopDns() {
    dns.close();
  }

  private static InetAddress ip(String text) throws UnknownHostException {
    return InetAddress.getByName(text);
  }

  @Test
  void nodes_nameWithSeveralAAndAaaaRecords_everyAddressWithThePort() throws Exception {
    dns.answer(NAME, ip("127.0.0.2"), ip("127.0.0.3"), ip("::1"), ip("10.1.2.3"));
    NodeDiscovery discovery = NodeDiscovery.dns(NAME, 7311, dns.address());

    List<InetSocketAddress> nodes = discovery.nodes();

    assertThat(nodes).extracting(InetSocketAddress::getAddress)
        .containsExactlyInAnyOrder(ip("127.0.0.2"), ip("127.0.0.3"), ip("::1"), ip("10.1.2.3"));
    assertThat(nodes).allSatisfy(n -> assertThat(n.getPort()).isEqualTo(7311));
    assertThat(discovery.describe()).isEqualTo("dns:" + NAME + ":7311");
  }

  @Test
  void nodes_answerChangedBetweenLookups_theSecondLookupSeesTheNewAnswer() throws Exception {
    NodeDiscovery discovery = NodeDiscovery.dns(NAME, 7311, dns.address());
    dns.answer(NAME, ip("127.0.0.2"), ip("127.0.0.3"));
    List<InetSocketAddress> before = discovery.nodes();
    int queriesBefore = dns.queries();
    dns.answer(NAME, ip("127.0.0.3"), ip("127.0.0.4"));

    List<InetSocketAddress> after = discovery.nodes();

    assertThat(before).extracting(InetSocketAddress::getAddress).containsExactlyInAnyOrder(ip("127.0.0.2"), ip("127.0.0.3"));
    assertThat(after).extracting(InetSocketAddress::getAddress).containsExactlyInAnyOrder(ip("127.0.0.3"), ip("127.0.0.4"));
    assertThat(dns.queries()).as("the second lookup asked the server again (no cache)").isGreaterThan(queriesBefore);
  }

  @Test
  void nodes_unknownName_throwsNamingIt() {
    NodeDiscovery discovery = NodeDiscovery.dns("gone.stoker.test", 7311, dns.address());
    assertThatThrownBy(discovery::nodes).isInstanceOf(UnknownHostException.class).hasMessageContaining("gone.stoker.test");
  }

  @Test
  void addresses_moreThanMaxNodesAndDuplicates_eachOnceAndAtMostMaxNodes() throws Exception {
    List<InetAddress> found = new ArrayList<>();
    for (int i = 0; i < NodeDiscovery.MAX_NODES + 50; i++) {
      found.add(InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >> 8), (byte) i}));
      found.add(InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >> 8), (byte) i}));
    }
    List<InetSocketAddress> nodes = DnsDiscovery.addresses(found, 7311);
    assertThat(nodes).hasSize(NodeDiscovery.MAX_NODES).doesNotHaveDuplicates();
    assertThat(nodes.get(0)).isEqualTo(new InetSocketAddress(ip("10.0.0.0"), 7311));
  }

  @Test
  void dns_badArguments_refusedNamingTheParameter() {
    InetSocketAddress server = dns.address();
    assertThatThrownBy(() -> NodeDiscovery.dns(" ", 7311, server)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name");
    assertThatThrownBy(() -> NodeDiscovery.dns(NAME, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port");
    assertThatThrownBy(() -> NodeDiscovery.dns(NAME, 7311, InetSocketAddress.createUnresolved("dns", 53)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("server");
  }
}
