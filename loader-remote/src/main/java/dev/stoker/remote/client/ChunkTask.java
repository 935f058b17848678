package dev.stoker.remote.client;

import dev.stoker.remote.protocol.Message;
import java.util.Arrays;

/**
 * One chunk of an epoch's positions {@code [start, end)} as sent to one node, and how far its
 * samples have come back: positions below {@link #next} were received. Offset {@code k} of the
 * CHUNK message (the {@code position} of SAMPLE and FAILED) is epoch position {@code start + k}.
 * Confined to the client's event loop.
 */
final class ChunkTask {
  final EpochStream stream;
  final int id;
  final int start;
  final int end;
  final Upstream upstream;
  int next;

  ChunkTask(EpochStream stream, int id, int start, int end, Upstream upstream) {
    this.stream = stream;
    this.id = id;
    this.start = start;
    this.end = end;
    this.upstream = upstream;
    this.next = start;
  }

  /** The CHUNK message that asks the node for these positions. */
  Message.Chunk message() {
    return new Message.Chunk(id, stream.epoch(), Arrays.copyOfRange(stream.order(), start, end));
  }

  /** Positions not received yet. */
  int remaining() {
    return end - next;
  }

  /** Positions not received yet that the downstream has asked for (below the stream's frontier). */
  int granted() {
    return Math.clamp((long) stream.frontier() - next, 0, remaining());
  }

  @Override
  public String toString() {
    return "chunk " + id + " [" + start + ", " + end + ") of epoch " + stream.epoch() + " at " + next;
  }
}
