/**
 * Data-server nodes on Netty and the client source that streams from them: the wire protocol
 * ({@link dev.stoker.remote.Protocol}), and on the client side {@link dev.stoker.remote.RemoteSource}
 * with its {@link dev.stoker.remote.RemoteOptions}, a dataset whose samples the nodes process.
 */
package dev.stoker.remote;
