package dev.stoker.remote.node;

import dev.stoker.api.EpochSampledSource;
import dev.stoker.api.SampleSource;
import dev.stoker.api.internal.Checks;
import dev.stoker.remote.protocol.Protocol;
import dev.stoker.remote.wire.WireOptions;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How a {@link DataNode} runs: the dataset it serves, where it listens, its TLS certificate and
 * token, how many threads decode, and the {@link Limits} that bound what any one peer may make it
 * hold.
 *
 * <pre>{@code
 * DataNodeConfig local = DataNodeConfig.loopback(source);                       // 127.0.0.1, any free port
 * DataNodeConfig open = new DataNodeConfig(source, InetAddress.getByName("0.0.0.0"), 7070,
 *     Path.of("node.crt"), Path.of("node.key"), Path.of("token"), 16, DataNodeConfig.DEFAULT_MAX_FRAME_BYTES);
 * DataNodeConfig strict = open.withLimits(DataNodeConfig.Limits.defaults().withPreAuth(16, Duration.ofSeconds(5)));
 * }</pre>
 *
 * @param source the dataset served, by index only
 * @param bind the address to listen on; anything but a loopback address needs TLS and a token
 * @param port the port, {@code 0} for any free one
 * @param tlsCert the PEM certificate chain, or null for plaintext (then {@code tlsKey} is null too)
 * @param tlsKey the PEM private key (PKCS#8) of {@code tlsCert}, or null
 * @param tokenFile a file holding the shared token, or null to accept clients without one
 * @param workers the decode threads, shared by all connections
 * @param maxFrameBytes the largest frame sent (a SAMPLE), length prefix included; what the node
 *     accepts inbound is far less, see {@link Limits}
 * @param limits what one connection may make the node hold, and how many may be in the handshake
 * @param wire the transport, the compression the node allows, and its send limit over all connections
 */
public record DataNodeConfig(SampleSource source, InetAddress bind, int port, Path tlsCert, Path tlsKey,
    Path tokenFile, int workers, int maxFrameBytes, Limits limits, WireOptions wire) {
  /** The default {@link #maxFrameBytes}: 64 MiB. */
  public static final int DEFAULT_MAX_FRAME_BYTES = Protocol.DEFAULT_MAX_FRAME_BYTES;

  /**
   * Validates; the files are read when the node starts. A source whose epochs are drawn (a weighted
   * mix, {@link EpochSampledSource}) is refused: a node processes the indices its clients ask for,
   * and a client's loader asks for every index of a permutation, so the mix would silently not mix.
   * A multi-label source ({@code maxLabelCount() > 1}) is refused too: the wire carries one label
   * per sample.
   */
  public DataNodeConfig {
    Checks.notNull(source, "source");
    Checks.argument(!(source instanceof EpochSampledSource), "source", "is a weighted mix (" + source.description()
        + "); a node cannot draw a mix's epochs (its clients ask for every index in turn): serve"
        + " Sources.concat of the mixed sources, or mix on the machine that reads the files");
    Checks.argument(source.maxLabelCount() <= 1, "source", source.description() + " is multi-label (up to "
        + source.maxLabelCount() + " labels per sample) and a data-server node carries one label per sample over the "
        + "wire; load it locally (LoaderBuilder.source) to get its multi-hot soft targets");
    Checks.notNull(bind, "bind");
    Checks.argument(port >= 0 && port <= 0xFFFF, "port", "must be in [0, 65535], got " + port);
    Checks.argument((tlsCert == null) == (tlsKey == null), "tlsCert",
        "and tlsKey go together: give both or neither");
    Checks.positive(workers, "workers");
    Checks.argument(maxFrameBytes >= Protocol.MIN_MAX_FRAME_BYTES, "maxFrameBytes",
        "must be at least " + Protocol.MIN_MAX_FRAME_BYTES + ", got " + maxFrameBytes);
    Checks.notNull(limits, "limits");
    Checks.notNull(wire, "wire");
  }

  /**
   * A configuration with the default {@link Limits#defaults() limits} and
   * {@link WireOptions#defaults() wire options}.
   *
   * @param source the dataset served, not null
   * @param bind the address to listen on, not null; anything but loopback needs TLS and a token
   * @param port the port, in {@code [0, 65535]}; {@code 0} for any free one
   * @param tlsCert the PEM certificate chain, or null for plaintext
   * @param tlsKey the PEM private key (PKCS#8) of {@code tlsCert}, null exactly when {@code
   *     tlsCert} is
   * @param tokenFile a file holding the shared token, or null to accept clients without one
   * @param workers the decode threads, positive
   * @param maxFrameBytes the largest frame sent, in bytes, length prefix included
   */
  public DataNodeConfig(SampleSource source, InetAddress bind, int port, Path tlsCert, Path tlsKey, Path tokenFile,
      int workers, int maxFrameBytes) {
    this(source, bind, port, tlsCert, tlsKey, tokenFile, workers, maxFrameBytes, Limits.defaults(),
        WireOptions.defaults());
  }

  /**
   * A node for {@code source} on the loopback address, on any free port, without TLS or token, with
   * one worker per available processor and the default limits.
   *
   * @param source the dataset served, not null
   * @return the configuration
   */
  public static DataNodeConfig loopback(SampleSource source) {
    return new DataNodeConfig(source, InetAddress.getLoopbackAddress(), 0, null, null, null,
        Runtime.getRuntime().availableProcessors(), DEFAULT_MAX_FRAME_BYTES);
  }

  /**
   * This configuration with TLS from these PEM files.
   *
   * @param cert the PEM certificate chain, not null
   * @param key the PEM private key (PKCS#8) of {@code cert}, not null
   * @return a new configuration; this one is unchanged
   */
  public DataNodeConfig withTls(Path cert, Path key) {
    return new DataNodeConfig(source, bind, port, Checks.notNull(cert, "cert"), Checks.notNull(key, "key"),
        tokenFile, workers, maxFrameBytes, limits, wire);
  }

  /**
   * This configuration with the token in {@code file}.
   *
   * @param file the file holding the shared token, not null; read when the node starts
   * @return a new configuration; this one is unchanged
   */
  public DataNodeConfig withToken(Path file) {
    return new DataNodeConfig(source, bind, port, tlsCert, tlsKey, Checks.notNull(file, "file"), workers,
        maxFrameBytes, limits, wire);
  }

  /**
   * This configuration with {@code workers} decode threads.
   *
   * @param workers decode threads, positive
   * @return a new configuration; this one is unchanged
   */
  public DataNodeConfig withWorkers(int workers) {
    return new DataNodeConfig(source, bind, port, tlsCert, tlsKey, tokenFile, workers, maxFrameBytes, limits, wire);
  }

  /**
   * This configuration with other {@code limits}.
   *
   * @param limits the new limits, not null
   * @return a new configuration; this one is unchanged
   */
  public DataNodeConfig withLimits(Limits limits) {
    return new DataNodeConfig(source, bind, port, tlsCert, tlsKey, tokenFile, workers, maxFrameBytes,
        Checks.notNull(limits, "limits"), wire);
  }

  /**
   * This configuration with other {@link WireOptions}: the transport, the compression the node
   * allows (a client still has to offer it), and a limit on the bytes it sends per second.
   *
   * @param wire the wire options, not null
   * @return a new configuration; this one is unchanged
   */
  public DataNodeConfig withWire(WireOptions wire) {
    return new DataNodeConfig(source, bind, port, tlsCert, tlsKey, tokenFile, workers, maxFrameBytes, limits,
        Checks.notNull(wire, "wire"));
  }

  /**
   * Whether TLS is configured.
   *
   * @return {@code true} if a certificate and key are set
   */
  public boolean tls() {
    return tlsCert != null;
  }

  /**
   * Upper bounds on what a peer can make a node hold or do. A connection still in the handshake
   * sends frames of at most {@link Protocol#MAX_HANDSHAKE_FRAME_BYTES}; after AUTH, an OPEN of at
   * most {@code maxPlanBytes} of plan; after READY, CHUNKs of at most {@code maxChunkIndices}
   * indices: a longer frame is refused as soon as its length prefix is read, so no peer ever makes
   * the node buffer a frame of the outbound (sample) size. A plan or a client over any other limit
   * here is answered with ERROR (PLAN for a plan value, PROTOCOL for the rest) and closed; the
   * node's other connections go on.
   *
   * <pre>{@code
   * Limits limits = Limits.defaults().withPreAuth(16, Duration.ofSeconds(5)).withScratch(16 << 20);
   * }</pre>
   *
   * @param maxPreAuthConnections connections that may be between accept and READY at once; one
   *     more is answered ERROR(PROTOCOL) and closed at once. Default {@value #DEFAULT_MAX_PRE_AUTH_CONNECTIONS}
   * @param preAuthTimeout how long a connection may take from accept to READY before it is closed;
   *     default 10 s
   * @param maxPlanBytes the largest plan JSON in OPEN, UTF-8 bytes, at most
   *     {@link Protocol#MAX_PLAN_BYTES}; default {@value #DEFAULT_MAX_PLAN_BYTES}
   * @param maxChunkIndices the most indices in one CHUNK; default {@value #DEFAULT_MAX_CHUNK_INDICES}
   * @param maxPendingChunks the most chunks one connection may have unfinished at once; default
   *     {@value #DEFAULT_MAX_PENDING_CHUNKS}
   * @param maxPendingIndices the most indices, over its unfinished chunks, one connection may have
   *     the node hold; default {@value #DEFAULT_MAX_PENDING_INDICES}
   * @param maxCredits the most credits one connection may have granted and not yet used; default
   *     {@value #DEFAULT_MAX_CREDITS}
   * @param maxSamplesInFlight the most samples of one connection started and not yet handed to the
   *     socket (each holds a sample buffer); the node waits rather than exceed it. Default
   *     {@value #DEFAULT_MAX_SAMPLES_IN_FLIGHT}
   * @param maxTransforms the most steps in a plan; default {@value #DEFAULT_MAX_TRANSFORMS}
   * @param maxOutputSide the largest width or height a plan may name (output sizes, crops,
   *     resizes, pads); default {@value #DEFAULT_MAX_OUTPUT_SIDE}
   * @param maxOutputPixels the largest output, width times height; default {@value #DEFAULT_MAX_OUTPUT_PIXELS}
   * @param maxIoUTrials the most trials of a {@code RandomIoUCrop}; default {@value #DEFAULT_MAX_IOU_TRIALS}
   * @param maxIoUThresholds the most thresholds of a {@code RandomIoUCrop}; default
   *     {@value #DEFAULT_MAX_IOU_THRESHOLDS}
   * @param maxScratchBytes the most scratch memory (decoded region, resampler buffers) a decode
   *     thread keeps between samples; a sample that needed more gets it and gives the excess back
   *     afterwards. Default {@value #DEFAULT_MAX_SCRATCH_BYTES}
   * @param maxBlurKernel the largest {@code GaussianBlur} kernel, taps per axis (each output pixel
   *     costs twice that many); default {@value #DEFAULT_MAX_BLUR_KERNEL}
   * @param maxAugmentOps the most operations per sample of a {@code RandAugment}, each a pass over
   *     the output; default {@value #DEFAULT_MAX_AUGMENT_OPS}
   */
  public record Limits(int maxPreAuthConnections, Duration preAuthTimeout, int maxPlanBytes, int maxChunkIndices,
      int maxPendingChunks, int maxPendingIndices, int maxCredits, int maxSamplesInFlight, int maxTransforms,
      int maxOutputSide, long maxOutputPixels, int maxIoUTrials, int maxIoUThresholds, long maxScratchBytes,
      int maxBlurKernel, int maxAugmentOps) {
    public static final int DEFAULT_MAX_PRE_AUTH_CONNECTIONS = 64;
    public static final int DEFAULT_MAX_PLAN_BYTES = 64 << 10;
    public static final int DEFAULT_MAX_CHUNK_INDICES = 1 << 16;
    public static final int DEFAULT_MAX_PENDING_CHUNKS = 4096;
    public static final int DEFAULT_MAX_PENDING_INDICES = 1 << 18;
    public static final int DEFAULT_MAX_CREDITS = 1 << 18;
    public static final int DEFAULT_MAX_SAMPLES_IN_FLIGHT = 64;
    public static final int DEFAULT_MAX_TRANSFORMS = 32;
    public static final int DEFAULT_MAX_OUTPUT_SIDE = 8192;
    public static final long DEFAULT_MAX_OUTPUT_PIXELS = 4096L * 4096;
    public static final int DEFAULT_MAX_IOU_TRIALS = 1000;
    public static final int DEFAULT_MAX_IOU_THRESHOLDS = 64;
    public static final long DEFAULT_MAX_SCRATCH_BYTES = 64L << 20;
    public static final int DEFAULT_MAX_BLUR_KERNEL = 63;
    public static final int DEFAULT_MAX_AUGMENT_OPS = 8;
    /** The default {@link #preAuthTimeout}: 10 s. */
    public static final Duration DEFAULT_PRE_AUTH_TIMEOUT = Duration.ofSeconds(10);

    /** Validates: every count positive, the timeout positive, the plan limit within the protocol's. */
    public Limits {
      Checks.positive(maxPreAuthConnections, "maxPreAuthConnections");
      Checks.argument(Checks.notNull(preAuthTimeout, "preAuthTimeout").isPositive(), "preAuthTimeout",
          "must be positive, got " + preAuthTimeout);
      Checks.argument(maxPlanBytes > 0 && maxPlanBytes <= Protocol.MAX_PLAN_BYTES, "maxPlanBytes",
          "must be in [1, " + Protocol.MAX_PLAN_BYTES + "], got " + maxPlanBytes);
      Checks.argument(maxChunkIndices > 0 && maxChunkIndices <= (Integer.MAX_VALUE - 64) / Integer.BYTES,
          "maxChunkIndices", "must be positive and fit a frame, got " + maxChunkIndices);
      Checks.positive(maxPendingChunks, "maxPendingChunks");
      Checks.positive(maxPendingIndices, "maxPendingIndices");
      Checks.positive(maxCredits, "maxCredits");
      Checks.positive(maxSamplesInFlight, "maxSamplesInFlight");
      Checks.positive(maxTransforms, "maxTransforms");
      Checks.positive(maxOutputSide, "maxOutputSide");
      Checks.argument(maxOutputPixels > 0, "maxOutputPixels", "must be positive, got " + maxOutputPixels);
      Checks.positive(maxIoUTrials, "maxIoUTrials");
      Checks.positive(maxIoUThresholds, "maxIoUThresholds");
      Checks.argument(maxScratchBytes >= 0, "maxScratchBytes", "must not be negative, got " + maxScratchBytes);
      Checks.positive(maxBlurKernel, "maxBlurKernel");
      Checks.positive(maxAugmentOps, "maxAugmentOps");
    }

    /**
     * Limits with the default {@link #maxBlurKernel} and {@link #maxAugmentOps}: the constructor
     * as it was before those two existed.
     *
     * @param maxPreAuthConnections see the record
     * @param preAuthTimeout see the record
     * @param maxPlanBytes see the record
     * @param maxChunkIndices see the record
     * @param maxPendingChunks see the record
     * @param maxPendingIndices see the record
     * @param maxCredits see the record
     * @param maxSamplesInFlight see the record
     * @param maxTransforms see the record
     * @param maxOutputSide see the record
     * @param maxOutputPixels see the record
     * @param maxIoUTrials see the record
     * @param maxIoUThresholds see the record
     * @param maxScratchBytes see the record
     */
    public Limits(int maxPreAuthConnections, Duration preAuthTimeout, int maxPlanBytes, int maxChunkIndices,
        int maxPendingChunks, int maxPendingIndices, int maxCredits, int maxSamplesInFlight, int maxTransforms,
        int maxOutputSide, long maxOutputPixels, int maxIoUTrials, int maxIoUThresholds, long maxScratchBytes) {
      this(maxPreAuthConnections, preAuthTimeout, maxPlanBytes, maxChunkIndices, maxPendingChunks, maxPendingIndices,
          maxCredits, maxSamplesInFlight, maxTransforms, maxOutputSide, maxOutputPixels, maxIoUTrials,
          maxIoUThresholds, maxScratchBytes, DEFAULT_MAX_BLUR_KERNEL, DEFAULT_MAX_AUGMENT_OPS);
    }

    /**
     * These limits with other bounds on the costliest augmentation parameters.
     *
     * @param blurKernel the largest {@code GaussianBlur} kernel, taps per axis, positive
     * @param augmentOps the most {@code RandAugment} operations per sample, positive
     * @return new limits; these are unchanged
     */
    public Limits withAugmentations(int blurKernel, int augmentOps) {
      return new Limits(maxPreAuthConnections, preAuthTimeout, maxPlanBytes, maxChunkIndices, maxPendingChunks,
          maxPendingIndices, maxCredits, maxSamplesInFlight, maxTransforms, maxOutputSide, maxOutputPixels,
          maxIoUTrials, maxIoUThresholds, maxScratchBytes, blurKernel, augmentOps);
    }

    /**
     * The defaults named by the {@code DEFAULT_} constants.
     *
     * @return the default limits
     */
    public static Limits defaults() {
      return new Limits(DEFAULT_MAX_PRE_AUTH_CONNECTIONS, DEFAULT_PRE_AUTH_TIMEOUT, DEFAULT_MAX_PLAN_BYTES,
          DEFAULT_MAX_CHUNK_INDICES, DEFAULT_MAX_PENDING_CHUNKS, DEFAULT_MAX_PENDING_INDICES, DEFAULT_MAX_CREDITS,
          DEFAULT_MAX_SAMPLES_IN_FLIGHT, DEFAULT_MAX_TRANSFORMS, DEFAULT_MAX_OUTPUT_SIDE, DEFAULT_MAX_OUTPUT_PIXELS,
          DEFAULT_MAX_IOU_TRIALS, DEFAULT_MAX_IOU_THRESHOLDS, DEFAULT_MAX_SCRATCH_BYTES);
    }

    /**
     * These limits with {@code connections} in the handshake at most, each for at most {@code
     * timeout}.
     *
     * @param connections connections between accept and READY at once, positive
     * @param timeout how long a connection may take from accept to READY, positive
     * @return new limits; these are unchanged
     */
    public Limits withPreAuth(int connections, Duration timeout) {
      return new Limits(connections, timeout, maxPlanBytes, maxChunkIndices, maxPendingChunks, maxPendingIndices,
          maxCredits, maxSamplesInFlight, maxTransforms, maxOutputSide, maxOutputPixels, maxIoUTrials,
          maxIoUThresholds, maxScratchBytes, maxBlurKernel, maxAugmentOps);
    }

    /**
     * These limits with other bounds on one connection's chunks, indices, credits and samples in
     * flight.
     *
     * @param chunkIndices the most indices in one CHUNK, positive
     * @param pendingChunks the most unfinished chunks per connection, positive
     * @param pendingIndices the most indices held over a connection's unfinished chunks, positive
     * @param credits the most credits granted and not yet used per connection, positive
     * @param samplesInFlight the most samples per connection started and not yet sent, positive
     * @return new limits; these are unchanged
     */
    public Limits withWork(int chunkIndices, int pendingChunks, int pendingIndices, int credits,
        int samplesInFlight) {
      return new Limits(maxPreAuthConnections, preAuthTimeout, maxPlanBytes, chunkIndices, pendingChunks,
          pendingIndices, credits, samplesInFlight, maxTransforms, maxOutputSide, maxOutputPixels, maxIoUTrials,
          maxIoUThresholds, maxScratchBytes, maxBlurKernel, maxAugmentOps);
    }

    /**
     * These limits with other bounds on plans.
     *
     * @param planBytes the largest plan JSON, in UTF-8 bytes, at most {@link
     *     Protocol#MAX_PLAN_BYTES}
     * @param transforms the most steps in a plan, positive
     * @param outputSide the largest width or height a plan may name, in pixels, positive
     * @param outputPixels the largest output, width times height, positive
     * @param iouTrials the most trials of a {@code RandomIoUCrop}, positive
     * @param iouThresholds the most thresholds of a {@code RandomIoUCrop}, positive
     * @return new limits; these are unchanged
     */
    public Limits withPlans(int planBytes, int transforms, int outputSide, long outputPixels, int iouTrials,
        int iouThresholds) {
      return new Limits(maxPreAuthConnections, preAuthTimeout, planBytes, maxChunkIndices, maxPendingChunks,
          maxPendingIndices, maxCredits, maxSamplesInFlight, transforms, outputSide, outputPixels, iouTrials,
          iouThresholds, maxScratchBytes, maxBlurKernel, maxAugmentOps);
    }

    /**
     * These limits with {@code bytes} of scratch kept per decode thread between samples.
     *
     * @param bytes scratch kept per decode thread, in bytes, 0 or more
     * @return new limits; these are unchanged
     */
    public Limits withScratch(long bytes) {
      return new Limits(maxPreAuthConnections, preAuthTimeout, maxPlanBytes, maxChunkIndices, maxPendingChunks,
          maxPendingIndices, maxCredits, maxSamplesInFlight, maxTransforms, maxOutputSide, maxOutputPixels,
          maxIoUTrials, maxIoUThresholds, bytes, maxBlurKernel, maxAugmentOps);
    }

    /**
     * The largest OPEN frame accepted: an identity of up to 65535 bytes and a plan of {@link
     * #maxPlanBytes}.
     *
     * @return the OPEN frame limit, in bytes, length prefix included
     */
    public int openFrameBytes() {
      return Protocol.LENGTH_BYTES + Protocol.HEADER_BYTES + Short.BYTES + Protocol.MAX_STRING16_BYTES
          + Integer.BYTES + maxPlanBytes;
    }

    /**
     * The largest frame accepted after READY: a CHUNK of {@link #maxChunkIndices} indices.
     *
     * @return the frame limit after READY, in bytes, length prefix included
     */
    public int chunkFrameBytes() {
      return Math.max(Protocol.MAX_HANDSHAKE_FRAME_BYTES,
          Protocol.LENGTH_BYTES + Protocol.HEADER_BYTES + 3 * Integer.BYTES + Integer.BYTES * maxChunkIndices);
    }
  }
}
