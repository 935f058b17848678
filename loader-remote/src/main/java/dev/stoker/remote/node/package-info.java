/**
 * The data-server side: a {@link dev.stoker.remote.node.DataNode}, configured by a
 * {@link dev.stoker.remote.node.DataNodeConfig}, serves one dataset to remote loaders, decoding and
 * transforming each sample exactly as a local loader would.
 *
 * <pre>{@code
 * try (DataNode node = DataNode.start(DataNodeConfig.loopback(Datasets.open(Path.of("/data/train"))))) {
 *   System.out.println("serving " + node.datasetIdentity() + " on " + node.address());
 * }
 * }</pre>
 *
 * <p>{@code DataNode} and {@code DataNodeConfig} are the API; the rest is package-private: per
 * connection a {@code NodeHandler} (the node's half of the handshake) and, once READY, a
 * {@code NodeSession} (chunks, credits and the worker pool). Types named {@code Node*} live on
 * this side only; the client's view of a node is {@code dev.stoker.remote.client.Upstream}.
 */
package dev.stoker.remote.node;
