package dev.stoker.remote.client;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The chunks one {@link Upstream} holds and the credits it has out: which chunks were sent (in
 * order), how many frames the node may still send, and whether a frame that arrived is the one
 * expected. Pure bookkeeping: it writes nothing; {@link Upstream} and {@link UpstreamSession} send
 * what it computes. Confined to the client's event loop.
 *
 * <p><b>Credits.</b> The node sends one SAMPLE or FAILED per credit, working through its chunks in
 * the order they were sent. {@link #creditsToGrant()} keeps the credits out (granted minus frames
 * received) at exactly what the node needs to reach the last position below a stream's frontier in
 * that order: with chunks sent in position order (the normal case) that is the number of requested
 * positions it holds; only after a failover, when a reassigned chunk queues behind later ones, does
 * it include the unrequested positions ahead of it, without which the node could never get there.
 */
final class CreditLedger {
  private final Map<Integer, ChunkTask> tasks = new LinkedHashMap<>();
  private long outstanding;
  private long creditsGranted;
  private long chunksSent;

  /** Records {@code task} as sent to the node, behind the chunks it holds. */
  void sent(ChunkTask task) {
    tasks.put(task.id, task);
    chunksSent++;
  }

  /** Forgets {@code task} (cancelled); whether the node held it. */
  boolean forget(ChunkTask task) {
    return tasks.remove(task.id) != null;
  }

  /** The chunk {@code chunkId} the node holds, or null (cancelled or unknown). */
  ChunkTask task(int chunkId) {
    return tasks.get(chunkId);
  }

  /** The node reported chunk {@code chunkId} done: removes and returns it, or null if cancelled. */
  ChunkTask done(int chunkId) {
    return tasks.remove(chunkId);
  }

  /** Positions not received yet over every chunk held. */
  long work() {
    long work = 0;
    for (ChunkTask task : tasks.values()) {
      work += task.remaining();
    }
    return work;
  }

  /**
   * The credits to grant now so that the node can reach the last requested position it holds
   * (see the class documentation), counted as granted; 0 if it has enough.
   */
  int creditsToGrant() {
    long needed = 0;
    long before = 0;
    for (ChunkTask task : tasks.values()) {
      int granted = task.granted();
      if (granted > 0) {
        needed = before + granted;
      }
      before += task.remaining();
    }
    long deficit = needed - outstanding;
    if (deficit <= 0) {
      return 0;
    }
    int credits = (int) Math.min(deficit, Integer.MAX_VALUE);
    outstanding += credits;
    creditsGranted += credits;
    return credits;
  }

  /** A SAMPLE or FAILED arrived: spends one credit; false if none was out (the node overspent). */
  boolean spend() {
    if (outstanding <= 0) {
      return false;
    }
    outstanding--;
    return true;
  }

  /** A new session starts with no credits out. */
  void resetCredits() {
    outstanding = 0;
  }

  /** The session ended: hands back the chunks held, in the order sent, and forgets them. */
  List<ChunkTask> unfinished() {
    List<ChunkTask> unfinished = new ArrayList<>(tasks.values());
    tasks.clear();
    outstanding = 0;
    return unfinished;
  }

  /**
   * Why a {@code type} frame (SAMPLE or FAILED) for {@code position} of {@code task} carrying
   * {@code index} is not the one expected, naming the field, or null if it is: positions come in
   * order, each within the chunk, each with the index the chunk holds there.
   */
  static String misplaced(ChunkTask task, String type, int position, int index) {
    long at = (long) task.start + position;
    if (at >= task.end) { // checked first: on the epoch's last chunk, order[at] is past the permutation
      return type + ".position " + position + " of chunk " + task.id + " is past the end of its "
          + (task.end - task.start) + " positions";
    }
    if (position < 0 || at != task.next) {
      return type + ".position " + position + " of chunk " + task.id + " out of order (expected "
          + (task.next - task.start) + ")";
    }
    int expected = task.stream.order()[(int) at];
    return index == expected ? null : type + ".index " + index + " at position " + position + " of chunk " + task.id
        + ", which holds index " + expected;
  }

  /** Credits granted over the node's life (all sessions). */
  long creditsGranted() {
    return creditsGranted;
  }

  /** Chunks sent over the node's life (all sessions). */
  long chunksSent() {
    return chunksSent;
  }

  /** Credits out now. */
  long outstanding() {
    return outstanding;
  }

  /** The chunks held, in the order sent (for diagnostics). */
  Collection<ChunkTask> tasks() {
    return tasks.values();
  }
}
