package dev.stoker.remote.node;

import dev.stoker.api.SampleSource;
import dev.stoker.api.internal.Checks;
import dev.stoker.remote.protocol.Protocol;
import java.net.InetAddress;
import java.nio.file.Path;

/**
 * How a {@link DataNode} runs: the dataset it serves, where it listens, its TLS certificate and
 * token, and how many threads decode.
 *
 * <pre>{@code
 * DataNodeConfig local = DataNodeConfig.loopback(source);                       // 127.0.0.1, any free port
 * DataNodeConfig open = new DataNodeConfig(source, InetAddress.getByName("0.0.0.0"), 7070,
 *     Path.of("node.crt"), Path.of("node.key"), Path.of("token"), 16, DataNodeConfig.DEFAULT_MAX_FRAME_BYTES);
 * }</pre>
 *
 * @param source the dataset served, by index only
 * @param bind the address to listen on; anything but a loopback address needs TLS and a token
 * @param port the port, {@code 0} for any free one
 * @param tlsCert the PEM certificate chain, or null for plaintext (then {@code tlsKey} is null too)
 * @param tlsKey the PEM private key (PKCS#8) of {@code tlsCert}, or null
 * @param tokenFile a file holding the shared token, or null to accept clients without one
 * @param workers the decode threads, shared by all connections
 * @param maxFrameBytes the largest frame accepted or sent, length prefix included
 */
public record DataNodeConfig(SampleSource source, InetAddress bind, int port, Path tlsCert, Path tlsKey,
    Path tokenFile, int workers, int maxFrameBytes) {
  /** The default {@link #maxFrameBytes}: 64 MiB. */
  public static final int DEFAULT_MAX_FRAME_BYTES = Protocol.DEFAULT_MAX_FRAME_BYTES;

  /** Validates; the files are read when the node starts. */
  public DataNodeConfig {
    Checks.notNull(source, "source");
    Checks.notNull(bind, "bind");
    Checks.argument(port >= 0 && port <= 0xFFFF, "port", "must be in [0, 65535], got " + port);
    Checks.argument((tlsCert == null) == (tlsKey == null), "tlsCert",
        "and tlsKey go together: give both or neither");
    Checks.positive(workers, "workers");
    Checks.argument(maxFrameBytes >= Protocol.MIN_MAX_FRAME_BYTES, "maxFrameBytes",
        "must be at least " + Protocol.MIN_MAX_FRAME_BYTES + ", got " + maxFrameBytes);
  }

  /**
   * A node for {@code source} on the loopback address, on any free port, without TLS or token, with
   * one worker per available processor.
   */
  public static DataNodeConfig loopback(SampleSource source) {
    return new DataNodeConfig(source, InetAddress.getLoopbackAddress(), 0, null, null, null,
        Runtime.getRuntime().availableProcessors(), DEFAULT_MAX_FRAME_BYTES);
  }

  /** This configuration with TLS from these PEM files. */
  public DataNodeConfig withTls(Path cert, Path key) {
    return new DataNodeConfig(source, bind, port, Checks.notNull(cert, "cert"), Checks.notNull(key, "key"),
        tokenFile, workers, maxFrameBytes);
  }

  /** This configuration with the token in {@code file}. */
  public DataNodeConfig withToken(Path file) {
    return new DataNodeConfig(source, bind, port, tlsCert, tlsKey, Checks.notNull(file, "file"), workers,
        maxFrameBytes);
  }

  /** This configuration with {@code workers} decode threads. */
  public DataNodeConfig withWorkers(int workers) {
    return new DataNodeConfig(source, bind, port, tlsCert, tlsKey, tokenFile, workers, maxFrameBytes);
  }

  /** Whether TLS is configured. */
  public boolean tls() {
    return tlsCert != null;
  }
}
