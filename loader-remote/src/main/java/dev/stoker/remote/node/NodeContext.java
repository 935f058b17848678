package dev.stoker.remote.node;

import dev.stoker.api.SampleSource;
import dev.stoker.remote.protocol.DatasetIdentity;
import dev.stoker.remote.protocol.Protocol;
import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every connection of a node shares.
 *
 * @param source the dataset served
 * @param identity its {@link DatasetIdentity}, computed once
 * @param token the shared token, or null when none is required
 * @param makers the node's sample makers, one per plan
 * @param pool runs the decode work of every connection
 * @param maxFrameBytes the frame limit of the codec
 * @param maxRunning how many positions one connection may have on the pool at once
 * @param limits what one connection may make the node hold, and the handshake's bounds
 * @param sampleAllocator allocates sample pixels; null for the channel's allocator
 * @param stats counters for tests and logs
 * @param compressor compresses samples for sessions that agreed on zstd; null if the node allows none
 */
record NodeContext(SampleSource source, String identity, byte[] token, PlanMakers makers, Executor pool,
    int maxFrameBytes, int maxRunning, DataNodeConfig.Limits limits, ByteBufAllocator sampleAllocator, Stats stats,
    SampleCompressor compressor) {

  /** A context of a node that allows no compression. */
  NodeContext(SampleSource source, String identity, byte[] token, PlanMakers makers, Executor pool,
      int maxFrameBytes, int maxRunning, DataNodeConfig.Limits limits, ByteBufAllocator sampleAllocator, Stats stats) {
    this(source, identity, token, makers, pool, maxFrameBytes, maxRunning, limits, sampleAllocator, stats, null);
  }

  /**
   * The encoding for a session whose client accepts {@code compressions} (OPEN's bit mask):
   * {@link Protocol#ENCODING_ZSTD} if the client offers it and this node allows it, else raw.
   */
  int chooseEncoding(int compressions) {
    return compressor != null && (compressions & (1 << Protocol.ENCODING_ZSTD)) != 0
        ? Protocol.ENCODING_ZSTD : Protocol.ENCODING_RAW;
  }

  /**
   * Takes one of the {@link DataNodeConfig.Limits#maxPreAuthConnections} places for a connection
   * in the handshake; false (and nothing taken) if all are taken.
   */
  boolean admit() {
    if (stats.preAuth.incrementAndGet() > limits.maxPreAuthConnections()) {
      stats.preAuth.decrementAndGet();
      return false;
    }
    return true;
  }

  /** Gives back a place taken by {@link #admit()}. */
  void leaveHandshake() {
    stats.preAuth.decrementAndGet();
  }

  /** Counters over every connection of the node. */
  static final class Stats {
    /** Positions handed to the pool (each took a credit). */
    final AtomicLong started = new AtomicLong();
    /** Connections refused during the handshake. */
    final AtomicLong refused = new AtomicLong();
    /** Connections between accept and READY now (bounded by the limits). */
    final AtomicInteger preAuth = new AtomicInteger();
    /** The node's meters (connections, chunks, samples, failures, bytes, auth failures). */
    final NodeMeters meters;
    /**
     * The node is draining ({@link DataNode#drain}): a connection that becomes active from now on
     * is closed at once, before its handshake.
     */
    volatile boolean draining;

    /** Counters with meters nobody reads (tests that build a context by hand). */
    Stats() {
      this(NodeMeters.unread());
    }

    Stats(NodeMeters meters) {
      this.meters = meters;
    }
  }
}
