/**
 * How bytes cross the wire between a loader and its data-server nodes: the socket transport
 * ({@link dev.stoker.remote.wire.Transport}), sample compression
 * ({@link dev.stoker.remote.wire.Compression}), and both with a send-rate cap in one
 * {@link dev.stoker.remote.wire.WireOptions}, which {@code RemoteOptions} and {@code DataNodeConfig}
 * carry.
 *
 * <pre>{@code
 * WireOptions wire = WireOptions.defaults().withCompression(Compression.ZSTD).withTransport(Transport.EPOLL);
 * }</pre>
 */
package dev.stoker.remote.wire;
