/**
 * Remote processing: data-server nodes on Netty that decode and transform samples for remote
 * loaders, and the wire protocol between them ({@link dev.stoker.remote.Protocol}).
 *
 * <p>The public entry point of the node side is {@link dev.stoker.remote.DataNode}, configured by a
 * {@link dev.stoker.remote.DataNodeConfig}; everything else is package-private.
 */
package dev.stoker.remote;
