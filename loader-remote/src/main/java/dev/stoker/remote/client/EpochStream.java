package dev.stoker.remote.client;

import dev.stoker.api.LoaderException;
import dev.stoker.pipeline.ProcessedSample;
import dev.stoker.pipeline.SampleResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import reactor.core.publisher.FluxSink;

/**
 * One subscription to {@link RemoteSource#samples}: positions {@code [from, order.length)} of an
 * epoch, cut into chunks, dispatched to nodes and re-emitted in position order. Confined to the
 * client's event loop.
 *
 * <p><b>Demand.</b> The <em>frontier</em> is the first position the downstream has not asked for:
 * the positions emitted plus those requested and not yet emitted. A chunk is cut and sent to a
 * node only when the frontier enters it, and nodes get credits for positions below the frontier
 * (see {@link Upstream#topUp()}), so the reorder buffer holds only requested samples.
 *
 * <p><b>Failover.</b> A lost node's unfinished chunks come back through {@link #reassign}: their
 * positions from the first not received go to the pending queue (by position) and on to the
 * remaining nodes, so every position is delivered exactly once.
 */
final class EpochStream {
  private final Dispatcher dispatcher;
  private final int epoch;
  private final int[] order;
  private final int end;
  private final int chunkSize;
  private final FluxSink<SampleResult> sink;
  private final PriorityQueue<int[]> pending = new PriorityQueue<>((a, b) -> Integer.compare(a[0], b[0]));
  private final Map<Integer, ChunkTask> active = new LinkedHashMap<>();
  private final Map<Integer, SampleResult> buffer = new HashMap<>();
  private int emitCursor;
  private int cutUpTo;
  private long demand;
  private boolean finished;

  EpochStream(Dispatcher dispatcher, int epoch, int[] order, int from, int chunkSize, FluxSink<SampleResult> sink) {
    this.dispatcher = dispatcher;
    this.epoch = epoch;
    this.order = order;
    this.end = order.length;
    this.chunkSize = chunkSize;
    this.sink = sink;
    this.emitCursor = from;
    this.cutUpTo = from;
  }

  int epoch() {
    return epoch;
  }

  int[] order() {
    return order;
  }

  /** The first position not requested by the downstream. */
  int frontier() {
    return demand >= end - emitCursor ? end : (int) (emitCursor + demand);
  }

  boolean finished() {
    return finished;
  }

  /** Whether positions wait for a node. */
  boolean hasPending() {
    return !finished && !pending.isEmpty();
  }

  /** Starts; completes at once if there is nothing to deliver. */
  void start() {
    drain();
  }

  /** The downstream asked for {@code n} more samples. */
  void request(long n) {
    if (finished) {
      return;
    }
    demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
    int frontier = frontier();
    while (cutUpTo < frontier) {
      int chunkEnd = Math.min(end, cutUpTo + chunkSize);
      pending.add(new int[] {cutUpTo, chunkEnd});
      cutUpTo = chunkEnd;
    }
    assignPending();
    dispatcher.topUpAll();
    drain(); // samples that came beyond the demand (after a failover) wait in the buffer for it
  }

  /** Sends pending positions to nodes, lowest first, while a node is ready. */
  void assignPending() {
    while (!finished && !pending.isEmpty()) {
      Upstream node = dispatcher.pick();
      if (node == null) {
        dispatcher.watchForNodes();
        return;
      }
      int[] range = pending.poll();
      ChunkTask task = new ChunkTask(this, dispatcher.nextChunkId(), range[0], range[1], node);
      active.put(task.id, task);
      node.assign(task);
    }
  }

  /** The sample at {@code position} of {@code task} arrived (the task's next position). */
  void accept(ChunkTask task, int position, SampleResult sample) {
    task.next = position + 1;
    if (finished) {
      release(sample);
      return;
    }
    SampleResult replaced = buffer.put(position, sample);
    if (replaced != null) { // cannot happen while the ledger checks positions; never leak if it does
      release(replaced);
    }
    drain();
  }

  /** The node finished {@code task}. */
  void done(ChunkTask task) {
    active.remove(task.id);
  }

  /** {@code task}'s node was lost: its positions not received yet go to other nodes. */
  void reassign(ChunkTask task) {
    if (active.remove(task.id) != null && !finished && task.next < task.end) {
      pending.add(new int[] {task.next, task.end});
    }
  }

  private void drain() {
    while (!finished && demand > 0 && buffer.containsKey(emitCursor)) {
      SampleResult sample = buffer.remove(emitCursor);
      emitCursor++;
      demand--;
      sink.next(sample);
    }
    if (!finished && emitCursor == end) {
      finish();
      sink.complete();
    }
  }

  /** Ends with {@code error}, giving back everything held. */
  void fail(LoaderException error) {
    if (!finished) {
      finish();
      sink.error(error);
    }
  }

  /** The subscriber went away (cancelled, or the stream ended): stops the nodes' work on it. */
  void dispose() {
    if (!finished) {
      finish();
    }
  }

  private void finish() {
    finished = true;
    List<ChunkTask> tasks = new ArrayList<>(active.values());
    active.clear();
    pending.clear();
    for (ChunkTask task : tasks) {
      task.upstream.cancel(task);
    }
    buffer.values().forEach(EpochStream::release);
    buffer.clear();
    dispatcher.unregister(this);
  }

  private static void release(SampleResult sample) {
    if (sample instanceof ProcessedSample ok) {
      ok.release();
    }
  }

  /** Where the stream stands, for errors and logs. */
  String describe() {
    return "epoch " + epoch + " at position " + emitCursor + " of " + end + ", " + active.size()
        + " chunks out, " + pending.size() + " waiting";
  }

  /** {@link #describe()} with the demand, frontier and buffered positions, for diagnostics. */
  String details() {
    return describe() + ", demand " + demand + ", frontier " + frontier() + ", buffered " + buffer.keySet()
        + ", active " + active.values();
  }
}
