package dev.stoker.remote.client;

import dev.stoker.api.internal.Checks;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.NoopAuthoritativeDnsServerCache;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.NoopDnsCnameCache;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * {@link NodeDiscovery#dns}: every A and AAAA address behind a name, through Netty's
 * {@link DnsNameResolver}, with no cache (a resolver per lookup, with no-op caches), so each call
 * asks the servers again. UDP answers are bounded by {@link #MAX_PAYLOAD_BYTES} (no TCP fallback)
 * and an answer counts at most {@link NodeDiscovery#MAX_NODES} addresses. Lookups run on one
 * daemon event loop shared by every instance; {@link #nodes()} blocks its caller (a background
 * thread of the {@link RemoteSource}) for at most {@link #LOOKUP_TIMEOUT_MILLIS}.
 *
 * <pre>{@code
 * NodeDiscovery nodes = new DnsDiscovery("stoker-nodes.training.svc.cluster.local", 7311, null);
 * List<InetSocketAddress> now = nodes.nodes();
 * }</pre>
 */
final class DnsDiscovery implements NodeDiscovery {
  /** The largest UDP answer taken (EDNS0 payload size announced; nothing larger is read). */
  static final int MAX_PAYLOAD_BYTES = 4096;
  /** The time one query may take; the whole lookup takes at most twice that. */
  static final long QUERY_TIMEOUT_MILLIS = 2_000;
  static final long LOOKUP_TIMEOUT_MILLIS = 2 * QUERY_TIMEOUT_MILLIS + 1_000;

  private final String name;
  private final int port;
  private final InetSocketAddress server;

  DnsDiscovery(String name, int port, InetSocketAddress server) {
    Checks.notNull(name, "name");
    Checks.argument(!name.isBlank() && name.length() <= 253 && !name.contains(":"), "name",
        "must be a DNS name of at most 253 characters, got '" + name + "'");
    Checks.argument(port >= 1 && port <= 65535, "port", "must be in 1..65535, got " + port);
    this.name = name;
    this.port = port;
    this.server = server;
  }

  /** The shared daemon loop that DNS queries run on. */
  private static final class Loop {
    static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(1,
        new DefaultThreadFactory("stoker-dns", true), NioIoHandler.newFactory());
  }

  @Override
  public List<InetSocketAddress> nodes() throws Exception {
    EventLoop loop = Loop.GROUP.next();
    DnsNameResolverBuilder builder = new DnsNameResolverBuilder(loop)
        .datagramChannelType(NioDatagramChannel.class)
        .resolveCache(NoopDnsCache.INSTANCE)
        .cnameCache(NoopDnsCnameCache.INSTANCE)
        .authoritativeDnsServerCache(NoopAuthoritativeDnsServerCache.INSTANCE)
        .resolvedAddressTypes(ResolvedAddressTypes.IPV4_PREFERRED)   // both A and AAAA, IPv4 first
        .completeOncePreferredResolved(false)
        .maxPayloadSize(MAX_PAYLOAD_BYTES)
        .queryTimeoutMillis(QUERY_TIMEOUT_MILLIS)
        .nameServerProvider(server == null ? DnsServerAddressStreamProviders.platformDefault()
            : new SingletonDnsServerAddressStreamProvider(server));
    if (server != null) {
      builder.searchDomains(List.of()).hostsFileEntriesResolver((host, types) -> null);
    }
    DnsNameResolver resolver = builder.build();
    try {
      List<InetAddress> found = resolver.resolveAll(name).get(LOOKUP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
      return addresses(found, port);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e; // e.g. UnknownHostException naming the name
    } finally {
      resolver.close();
    }
  }

  /** {@code found} with {@code port}, each address once, at most {@link NodeDiscovery#MAX_NODES}. */
  static List<InetSocketAddress> addresses(List<InetAddress> found, int port) {
    Set<InetAddress> distinct = new LinkedHashSet<>();
    for (InetAddress a : found) {
      if (distinct.size() == MAX_NODES) {
        break;
      }
      distinct.add(a);
    }
    List<InetSocketAddress> nodes = new ArrayList<>(distinct.size());
    distinct.forEach(a -> nodes.add(new InetSocketAddress(a, port)));
    return nodes;
  }

  @Override
  public String describe() {
    return "dns:" + name + ":" + port;
  }
}
