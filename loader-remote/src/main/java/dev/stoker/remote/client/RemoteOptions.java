package dev.stoker.remote.client;

import dev.stoker.api.internal.Checks;
import dev.stoker.remote.wire.WireOptions;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How a {@link RemoteSource} talks to its nodes.
 *
 * <pre>{@code
 * RemoteOptions options = RemoteOptions.defaults().withToken(Path.of("/etc/stoker/token")).withTls(Path.of("node.pem"));
 * }</pre>
 *
 * @param tokenFile the shared token's file, or null for none; with a token the client proves it
 *     knows it and requires every node to prove the same
 * @param tls whether connections are TLS
 * @param trustCert with {@code tls}: a PEM file of the certificates to trust (e.g. a node's
 *     self-signed one), or null for the JDK's default trust store
 * @param expectedIdentity the dataset identity every node must serve, or null to accept the one
 *     the nodes agree on
 * @param chunkSize positions per chunk of work sent to a node
 * @param connectTimeout how long connecting and the handshake may take, and how long a run waits
 *     for a node to come back when none is left
 * @param reconnectDelay the pause between attempts to reconnect a lost node
 * @param limits the most a node may claim (samples, classes, boxes per sample); a node that claims
 *     more is dropped before the client allocates anything for it
 * @param wire the transport, the compression offered and the send limit
 * @param rediscoverInterval how often a {@link NodeDiscovery} is asked again for the nodes
 */
public record RemoteOptions(Path tokenFile, boolean tls, Path trustCert, String expectedIdentity, int chunkSize,
    Duration connectTimeout, Duration reconnectDelay, Limits limits, WireOptions wire, Duration rediscoverInterval) {
  /**
   * What the client accepts from a node before it allocates for it: the dataset's size (the loader
   * makes a permutation of that many ints per epoch), its number of classes, and the most boxes of
   * one sample (every ring slot holds that many per sample). A node that claims more, or sends a
   * sample with more boxes than the session allows, is dropped.
   *
   * <pre>{@code
   * RemoteOptions options = RemoteOptions.defaults().withLimits(new RemoteOptions.Limits(1 << 30, 30_000, 1000));
   * }</pre>
   *
   * @param maxDatasetSize the most samples a node may serve
   * @param maxClasses the most class names a node may send
   * @param maxBoxes the most boxes one sample may have
   */
  public record Limits(int maxDatasetSize, int maxClasses, int maxBoxes) {
    /** The default {@link #maxDatasetSize}: 2^27 samples (a 512 MiB permutation). */
    public static final int DEFAULT_MAX_DATASET_SIZE = 1 << 27;
    /** The default {@link #maxClasses}: 2^20. */
    public static final int DEFAULT_MAX_CLASSES = 1 << 20;
    /** The default {@link #maxBoxes}: 4096 per sample. */
    public static final int DEFAULT_MAX_BOXES = 4096;

    /** Validates. */
    public Limits {
      Checks.notNegative(maxDatasetSize, "maxDatasetSize");
      Checks.notNegative(maxClasses, "maxClasses");
      Checks.notNegative(maxBoxes, "maxBoxes");
    }

    /**
     * The defaults.
     *
     * @return limits of {@value #DEFAULT_MAX_DATASET_SIZE} samples, {@value #DEFAULT_MAX_CLASSES}
     *     classes and {@value #DEFAULT_MAX_BOXES} boxes
     */
    public static Limits defaults() {
      return new Limits(DEFAULT_MAX_DATASET_SIZE, DEFAULT_MAX_CLASSES, DEFAULT_MAX_BOXES);
    }
  }

  /** The default pause between two lookups of a {@link NodeDiscovery}: 10 s. */
  public static final Duration DEFAULT_REDISCOVER_INTERVAL = Duration.ofSeconds(10);

  /** The default positions per chunk. */
  public static final int DEFAULT_CHUNK_SIZE = 64;

  /** Validates. */
  public RemoteOptions {
    Checks.positive(chunkSize, "chunkSize");
    Checks.argument(Checks.notNull(connectTimeout, "connectTimeout").isPositive(), "connectTimeout",
        "must be positive, got " + connectTimeout);
    Checks.argument(Checks.notNull(reconnectDelay, "reconnectDelay").isPositive(), "reconnectDelay",
        "must be positive, got " + reconnectDelay);
    Checks.argument(trustCert == null || tls, "trustCert", "is only used with tls");
    Checks.notNull(limits, "limits");
    Checks.notNull(wire, "wire");
    Checks.argument(Checks.notNull(rediscoverInterval, "rediscoverInterval").isPositive(), "rediscoverInterval",
        "must be positive, got " + rediscoverInterval);
  }

  /**
   * These options with other {@link WireOptions} (transport, compression offered, send limit).
   *
   * @param wire the wire options, not null
   * @return new options; these are unchanged
   */
  public RemoteOptions withWire(WireOptions wire) {
    return new RemoteOptions(tokenFile, tls, trustCert, expectedIdentity, chunkSize, connectTimeout,
        reconnectDelay, limits, Checks.notNull(wire, "wire"), rediscoverInterval);
  }

  /**
   * These options asking a {@link NodeDiscovery} for the nodes every {@code interval}.
   *
   * @param interval the pause between lookups, positive
   * @return new options; these are unchanged
   */
  public RemoteOptions withRediscoverInterval(Duration interval) {
    return new RemoteOptions(tokenFile, tls, trustCert, expectedIdentity, chunkSize, connectTimeout,
        reconnectDelay, limits, wire, interval);
  }

  /**
   * No token, no TLS, any dataset, chunks of {@value #DEFAULT_CHUNK_SIZE}, 10 s to connect, 1 s
   * between retries, the default {@link Limits}, the default {@link WireOptions}, and a lookup of
   * the nodes every 10 s.
   *
   * @return the default options
   */
  public static RemoteOptions defaults() {
    return new RemoteOptions(null, false, null, null, DEFAULT_CHUNK_SIZE, Duration.ofSeconds(10),
        Duration.ofSeconds(1), Limits.defaults(), WireOptions.defaults(), DEFAULT_REDISCOVER_INTERVAL);
  }

  /**
   * These options with the token in {@code file}.
   *
   * @param file the file holding the shared token, not null; read when connecting
   * @return new options; these are unchanged
   */
  public RemoteOptions withToken(Path file) {
    return new RemoteOptions(Checks.notNull(file, "file"), tls, trustCert, expectedIdentity, chunkSize,
        connectTimeout, reconnectDelay, limits, wire, rediscoverInterval);
  }

  /**
   * These options with TLS, trusting the certificates in {@code trustCert} (null: the JDK's).
   *
   * @param trustCert a PEM file of the certificates to trust, or null for the JDK's default trust
   *     store
   * @return new options; these are unchanged
   */
  public RemoteOptions withTls(Path trustCert) {
    return new RemoteOptions(tokenFile, true, trustCert, expectedIdentity, chunkSize, connectTimeout,
        reconnectDelay, limits, wire, rediscoverInterval);
  }

  /**
   * These options requiring the dataset {@code identity}.
   *
   * @param identity the identity every node must serve, e.g. {@code sha256:9f2c.../1281167}; not
   *     null
   * @return new options; these are unchanged
   */
  public RemoteOptions withExpectedIdentity(String identity) {
    return new RemoteOptions(tokenFile, tls, trustCert, Checks.notNull(identity, "identity"), chunkSize,
        connectTimeout, reconnectDelay, limits, wire, rediscoverInterval);
  }

  /**
   * These options with chunks of {@code positions}.
   *
   * @param positions positions per chunk, positive
   * @return new options; these are unchanged
   */
  public RemoteOptions withChunkSize(int positions) {
    return new RemoteOptions(tokenFile, tls, trustCert, expectedIdentity, positions, connectTimeout,
        reconnectDelay, limits, wire, rediscoverInterval);
  }

  /**
   * These options with other {@link Limits} on what a node may claim.
   *
   * @param limits the new limits, not null
   * @return new options; these are unchanged
   */
  public RemoteOptions withLimits(Limits limits) {
    return new RemoteOptions(tokenFile, tls, trustCert, expectedIdentity, chunkSize, connectTimeout,
        reconnectDelay, Checks.notNull(limits, "limits"), wire, rediscoverInterval);
  }

  /**
   * These options with other timings.
   *
   * @param connectTimeout how long connecting and the handshake may take, positive
   * @param reconnectDelay the pause between reconnection attempts, positive
   * @return new options; these are unchanged
   */
  public RemoteOptions withTimings(Duration connectTimeout, Duration reconnectDelay) {
    return new RemoteOptions(tokenFile, tls, trustCert, expectedIdentity, chunkSize, connectTimeout,
        reconnectDelay, limits, wire, rediscoverInterval);
  }
}
