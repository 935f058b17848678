/**
 * Remote processing: data-server nodes on Netty that decode and transform samples for remote
 * loaders, the client source that streams from them, and the wire protocol between them
 * ({@link dev.stoker.remote.Protocol}).
 *
 * <p>The public entry points are {@link dev.stoker.remote.DataNode} (configured by a
 * {@link dev.stoker.remote.DataNodeConfig}) on the node side and {@link dev.stoker.remote.RemoteSource}
 * (with its {@link dev.stoker.remote.RemoteOptions}) on the client side; everything else is
 * package-private.
 */
package dev.stoker.remote.protocol;
