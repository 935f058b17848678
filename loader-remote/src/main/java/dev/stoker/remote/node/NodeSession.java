package dev.stoker.remote.node;

import dev.stoker.pipeline.ProcessedSample;
import dev.stoker.pipeline.SampleMaker;
import dev.stoker.remote.protocol.Message.Chunk;
import dev.stoker.remote.protocol.Message.ChunkDone;
import dev.stoker.remote.protocol.Message.Failed;
import dev.stoker.remote.protocol.Message.Leaving;
import dev.stoker.remote.protocol.Message.Sample;
import dev.stoker.remote.protocol.Message;
import dev.stoker.remote.protocol.Protocol;
import dev.stoker.remote.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work of one connection once it is READY: its chunks, its credits, and the positions it has
 * on the worker pool. Every method runs on the channel's event loop; the pool hands results back
 * to it.
 *
 * <p><b>Credits bound memory.</b> A position is started (handed to the pool, which then allocates
 * its pixel buffer) only while the connection holds an unused credit, fewer than
 * {@code maxRunning} of its positions are on the pool, and the channel is writable. Starting takes
 * the credit, and every started position ends in exactly one SAMPLE or FAILED frame, so the node
 * never holds more processed-but-unsent samples for a connection than it was granted credits: a
 * client that stops reading pins at most its credits' worth of sample memory.
 *
 * <p><b>Order.</b> Positions start in order (chunks in arrival order, positions in chunk order)
 * and are written in that same order, whatever order the pool finishes them in; the queue of
 * started outputs is the reorder buffer, bounded by the credits. CHUNK_DONE follows a chunk's last
 * position.
 *
 * <p><b>Caps.</b> What one connection may make the node hold is bounded by
 * {@link DataNodeConfig.Limits}: a CHUNK of more than {@code maxChunkIndices} indices, one that
 * would leave more than {@code maxPendingChunks} chunks or {@code maxPendingIndices} indices
 * unfinished, or a CREDIT that would leave more than {@code maxCredits} credits unused is a
 * {@link ProtocolException} (the handler answers ERROR(PROTOCOL) and closes). At most
 * {@code maxSamplesInFlight} positions are started and not yet written: past it the node waits,
 * whatever the credits say, so a slow sample at the head of the queue cannot make it hold an
 * unbounded reorder buffer.
 *
 * <p><b>Cancel.</b> {@code Cancel(id)} drops the chunk's positions that have not started. Those
 * already started are still sent (each used its credit; the client discards them), then
 * CHUNK_DONE, which therefore always means "nothing more will come for this chunk". A Cancel for a
 * chunk that is unknown or already done is ignored.
 *
 * <p><b>Leaving.</b> When the node drains, {@link #leave} sends LEAVING. The session goes on as
 * before: it finishes the chunks it holds, a CHUNK that crossed LEAVING on the wire included, as
 * the credits allow; once it holds no chunk (every CHUNK_DONE written) it closes the connection
 * after the last frame is out. The node closes whatever is left at the end of its grace period.
 */
final class NodeSession {
  private static final Logger log = LoggerFactory.getLogger(NodeSession.class);

  /** A frame that cannot be sent leaves the client waiting for it: end the connection instead. */
  private static final ChannelFutureListener CLOSE_ON_WRITE_FAILURE = f -> {
    if (!f.isSuccess() && f.channel().isActive()) {
      log.warn("peer {}: cannot send a frame, closing: {}", f.channel().remoteAddress(), f.cause().toString());
      f.channel().close();
    }
  };

  /** One entry of the output queue: a started position's result, or a chunk's end. */
  private static final class Slot {
    Message result;
    FutureTask<Void> task;

    static Slot done(int chunkId) {
      Slot slot = new Slot();
      slot.result = new ChunkDone(chunkId);
      return slot;
    }
  }

  /** A chunk's progress: positions {@code [next, end)} have not started. */
  private static final class Work {
    final Chunk chunk;
    int next;
    int end;

    Work(Chunk chunk) {
      this.chunk = chunk;
      this.end = chunk.indices().length;
    }
  }

  private final ChannelHandlerContext ctx;
  private final SampleMaker maker;
  private final NodeContext node;
  private final ByteBufAllocator alloc;
  private final int sampleBytes;
  /** How this session's samples travel: raw, or compressed when they shrink (chosen at OPEN). */
  private final int encoding;
  private final ArrayDeque<Work> pending = new ArrayDeque<>();
  private final Map<Integer, Work> open = new HashMap<>();
  private final ArrayDeque<Slot> outputs = new ArrayDeque<>();
  private long credits;
  private int running;
  /** Positions started whose SAMPLE or FAILED has not been written yet. */
  private int inFlight;
  /** Indices held over the unfinished chunks. */
  private long heldIndices;
  private boolean closed;
  /** LEAVING was sent: the connection closes once no chunk is held. */
  private boolean leaving;
  /** Chunks whose CHUNK_DONE was written after LEAVING. */
  private int doneWhileLeaving;
  /** The last frame written, or null: the close waits for it. */
  private ChannelFuture lastWrite;

  NodeSession(ChannelHandlerContext ctx, SampleMaker maker, NodeContext node) {
    this(ctx, maker, node, Protocol.ENCODING_RAW);
  }

  /** A session whose samples travel in {@code encoding} (from {@link NodeContext#chooseEncoding}) when they shrink. */
  NodeSession(ChannelHandlerContext ctx, SampleMaker maker, NodeContext node, int encoding) {
    this.encoding = encoding;
    this.ctx = ctx;
    this.maker = maker;
    this.node = node;
    this.alloc = node.sampleAllocator() != null ? node.sampleAllocator() : ctx.alloc();
    this.sampleBytes = Math.toIntExact(maker.sampleBytes());
  }

  /**
   * Queues a chunk behind the others.
   *
   * @throws ProtocolException if its id is in progress already or an index is outside the dataset
   */
  void chunk(Chunk chunk) {
    if (closed) { // drained and closing: the client gives a chunk sent now to another node
      return;
    }
    if (open.containsKey(chunk.chunkId())) {
      throw new ProtocolException("chunk " + chunk.chunkId() + " is already in progress on this connection");
    }
    DataNodeConfig.Limits limits = node.limits();
    int[] indices = chunk.indices();
    if (indices.length > limits.maxChunkIndices()) {
      throw new ProtocolException("chunk " + chunk.chunkId() + " has " + indices.length
          + " indices, more than this node's limit of " + limits.maxChunkIndices());
    }
    if (open.size() >= limits.maxPendingChunks()) {
      throw new ProtocolException("chunk " + chunk.chunkId() + " would make " + (open.size() + 1)
          + " unfinished chunks, more than this node's limit of " + limits.maxPendingChunks());
    }
    if (heldIndices + indices.length > limits.maxPendingIndices()) {
      throw new ProtocolException("chunk " + chunk.chunkId() + " would make " + (heldIndices + indices.length)
          + " unfinished indices, more than this node's limit of " + limits.maxPendingIndices());
    }
    int size = node.source().size();
    for (int p = 0; p < indices.length; p++) {
      if (indices[p] < 0 || indices[p] >= size) {
        throw new ProtocolException("chunk " + chunk.chunkId() + ": index " + indices[p] + " at position " + p
            + " is outside the dataset [0, " + size + ")");
      }
    }
    Work work = new Work(chunk);
    open.put(chunk.chunkId(), work);
    heldIndices += indices.length;
    pending.addLast(work);
    pump();
  }

  /** Adds credits and starts what they allow. */
  void credit(int granted) {
    if (closed) {
      return;
    }
    if (credits + granted > node.limits().maxCredits()) {
      throw new ProtocolException("a credit of " + granted + " would leave " + (credits + granted)
          + " credits unused, more than this node's limit of " + node.limits().maxCredits());
    }
    credits += granted;
    pump();
  }

  /** Drops the unstarted positions of chunk {@code chunkId} (see the class documentation). */
  void cancel(int chunkId) {
    Work work = closed ? null : open.get(chunkId);
    if (work != null) {
      work.end = work.next;
      pump();
    }
  }

  /** Starts more work if the channel became writable again. */
  void writabilityChanged() {
    pump();
  }

  /**
   * The node drains: sends {@code Leaving(graceMillis)} and, from now on, closes the connection as
   * soon as it holds no chunk (at once if it holds none). Idempotent.
   */
  void leave(int graceMillis) {
    if (closed || leaving) {
      return;
    }
    leaving = true;
    lastWrite = ctx.writeAndFlush(new Leaving(graceMillis));
    lastWrite.addListener(CLOSE_ON_WRITE_FAILURE);
    log.debug("peer {}: LEAVING sent, {} chunks held", ctx.channel().remoteAddress(), open.size());
    closeIfDrained();
  }

  /** Whether LEAVING was sent on this connection. */
  boolean leaving() {
    return leaving;
  }

  /** Leaving and nothing held any more: closes once the last frame is out. */
  private void closeIfDrained() {
    if (!leaving || closed || !open.isEmpty() || !outputs.isEmpty()) {
      return;
    }
    log.info("peer {}: drained ({} chunks finished after LEAVING), closing", ctx.channel().remoteAddress(),
        doneWhileLeaving);
    close();
    if (lastWrite == null) {
      ctx.close();
    } else {
      lastWrite.addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** The connection is gone: cancels what has not started and releases every result held. */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Slot slot : outputs) {
      if (slot.task != null) {
        slot.task.cancel(false);
      }
      ReferenceCountUtil.release(slot.result);
    }
    outputs.clear();
    pending.clear();
    open.clear();
  }

  /** Credits not used yet (for tests). */
  long credits() {
    return credits;
  }

  /** Positions started and not written yet (for tests). */
  int inFlight() {
    return inFlight;
  }

  private void pump() {
    do {
      startAllowed();
    } while (drain() && !closed); // written samples free in-flight places: start more
    closeIfDrained();
  }

  private void startAllowed() {
    while (!closed && !pending.isEmpty()) {
      Work work = pending.peekFirst();
      if (work.next == work.end) {
        pending.pollFirst();
        open.remove(work.chunk.chunkId());
        heldIndices -= work.chunk.indices().length;
        outputs.addLast(Slot.done(work.chunk.chunkId()));
        continue;
      }
      if (credits == 0 || running >= node.maxRunning() || inFlight >= node.limits().maxSamplesInFlight()
          || !ctx.channel().isWritable()) {
        break;
      }
      credits--;
      start(work, work.next++);
    }
  }

  private void start(Work work, int position) {
    Slot slot = new Slot();
    outputs.addLast(slot);
    running++;
    inFlight++;
    node.stats().started.incrementAndGet();
    Chunk chunk = work.chunk;
    slot.task = new FutureTask<>(() -> finished(slot, process(chunk, position)), null);
    try {
      node.pool().execute(slot.task);
    } catch (RejectedExecutionException e) { // the node is shutting down
      close();
      ctx.close();
    }
  }

  /** Runs on the pool: one position into a new pixel buffer, or its failure as a value. */
  private Message process(Chunk chunk, int position) {
    int index = chunk.indices()[position];
    ByteBuf pixels = alloc.directBuffer(sampleBytes, sampleBytes);
    try {
      ProcessedSample s = maker.process(chunk.epoch(), index, MemorySegment.ofBuffer(pixels.nioBuffer(0, sampleBytes)));
      pixels.writerIndex(sampleBytes);
      return encoded(new Sample(chunk.chunkId(), position, index, s.label(), s.boxCount(), s.boxes(), s.boxLabels(),
          pixels));
    } catch (Throwable e) { // a failed sample is a value; the connection goes on
      pixels.release();
      String error = e.getMessage() != null ? e.getMessage() : e.toString();
      return new Failed(chunk.chunkId(), position, index, maker.sourceName(index), error);
    }
  }

  /** Runs on the pool: {@code raw} compressed if the session agreed on it and it shrinks, else as it is. */
  private Sample encoded(Sample raw) {
    var meters = node.stats().meters;
    meters.pixelsRaw.increment(sampleBytes);
    if (encoding == Protocol.ENCODING_RAW || node.compressor() == null) {
      meters.pixelsSent.increment(sampleBytes);
      return raw;
    }
    ByteBuf packed = node.compressor().compress(raw.pixels(), alloc);
    if (packed == null) {
      meters.pixelsSent.increment(sampleBytes);
      return raw;
    }
    meters.pixelsSent.increment(packed.readableBytes());
    raw.release();
    return new Sample(raw.chunkId(), raw.position(), raw.index(), raw.label(), raw.keptBoxes(), raw.boxes(),
        raw.boxLabels(), encoding, packed);
  }

  /** Runs on the pool: hands the result back to the event loop. */
  private void finished(Slot slot, Message result) {
    try {
      ctx.executor().execute(() -> completed(slot, result));
    } catch (RejectedExecutionException e) { // the event loop is gone, and with it the connection
      ReferenceCountUtil.release(result);
    }
  }

  private void completed(Slot slot, Message result) {
    if (closed) {
      ReferenceCountUtil.release(result);
      return;
    }
    running--;
    slot.result = result;
    slot.task = null;
    pump();
  }

  /** Writes the finished outputs at the head of the queue, in order; whether it wrote any. */
  private boolean drain() {
    boolean wrote = false;
    while (!outputs.isEmpty() && outputs.peekFirst().result != null) {
      Message result = outputs.pollFirst().result;
      if (!(result instanceof ChunkDone)) {
        inFlight--;
        (result instanceof Failed ? node.stats().meters.decodeFailures : node.stats().meters.samples).increment();
      } else if (leaving) {
        doneWhileLeaving++;
      }
      lastWrite = ctx.write(result);
      lastWrite.addListener(CLOSE_ON_WRITE_FAILURE);
      wrote = true;
    }
    if (wrote) {
      ctx.flush();
    }
    return wrote;
  }
}
