/**
 * The loader side: a {@link dev.stoker.remote.client.RemoteSource}, configured by
 * {@link dev.stoker.remote.client.RemoteOptions}, streams an epoch's processed samples from one or
 * more data nodes, under credits that follow the loader's demand.
 *
 * <pre>{@code
 * try (RemoteSource remote = RemoteSource.connect(List.of(new InetSocketAddress("node1", 7311)),
 *     RemoteOptions.defaults().withToken(Path.of("token")))) {
 *   System.out.println(remote.description());
 * }
 * }</pre>
 *
 * <p>{@code RemoteSource} and {@code RemoteOptions} are the API; the rest is package-private. One
 * subscription is an {@code EpochStream}, cut into {@code ChunkTask}s that the {@code Dispatcher}
 * hands to the nodes; each node is an {@code Upstream} (its connection attempts are
 * {@code UpstreamSession}s, its chunks and credits a {@code CreditLedger}, its Netty handler an
 * {@code UpstreamHandler}). Nothing here is named {@code Node*}: those types are the server side.
 */
package dev.stoker.remote.client;
