package dev.stoker.remote.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;
import java.util.List;

/**
 * Every message of the Stoker wire protocol, one per frame (see {@link Protocol} for the frame
 * layout and the conversation). Only {@link Sample} owns a buffer; whoever receives one must
 * release it.
 *
 * <pre>{@code
 * switch (message) {
 *   case Message.Sample s -> { try { use(s.pixels()); } finally { s.release(); } }
 *   case Message.Error e -> log.warn("peer says {} ({})", e.message(), e.code());
 *   default -> { }
 * }
 * }</pre>
 */
public sealed interface Message {
  /** Client → node, first message: the protocol version it speaks and a fresh random nonce. */
  record Hello(int version, byte[] clientNonce) implements Message {}

  /**
   * Node → client, the answer to {@link Hello}: the node's version, a fresh nonce and whether a
   * token is required. Nothing about the dataset: that comes in {@link Dataset}, after AUTH.
   */
  record Welcome(int version, byte[] nodeNonce, boolean tokenRequired) implements Message {}

  /**
   * Client → node: proof that the client knows the shared token without sending it,
   * {@code HMAC-SHA256(token, "client" || nodeNonce || clientNonce)}; empty when no token is used.
   */
  record Auth(byte[] proof) implements Message {}

  /**
   * Node → client, the answer to an {@link Auth} the node accepted (a wrong proof gets ERROR
   * instead): {@code nodeProof} is {@code HMAC-SHA256(token, "node" || clientNonce || nodeNonce)}
   * (empty without a token), so the client knows the node holds the token too before it believes
   * anything else here; then which dataset it serves (identity and size, and what a client needs
   * to stand in for it: its class names, whether it has boxes, and the most boxes of any one
   * sample).
   */
  record Dataset(byte[] nodeProof, String datasetIdentity, int datasetSize, List<String> classes, boolean hasBoxes,
      int maxBoxCount) implements Message {
    /** Copies {@code classes} (null elements are refused). */
    public Dataset {
      classes = List.copyOf(classes);
    }
  }

  /**
   * Client → node: the dataset it expects (the node refuses another) and the processing plan as
   * JSON (transforms, output size, seed, max boxes, decoder leniency), identical to the client's;
   * {@code compressions} is the set of sample encodings the client can decode besides
   * {@link Protocol#ENCODING_RAW}, a bit mask of {@code 1 << encoding} (since version 3).
   */
  record Open(String datasetIdentity, String planJson, int compressions) implements Message {
    /** An OPEN that accepts no compression. */
    public Open(String datasetIdentity, String planJson) {
      this(datasetIdentity, planJson, 0);
    }
  }

  /**
   * Node → client: the session is open; {@code sampleBytes} is the size of each sample's pixels
   * and {@code maxBoxes} the most boxes a SAMPLE of this session carries; {@code compression} is
   * the encoding the node may use for SAMPLE pixels, one the client offered in OPEN, or
   * {@link Protocol#ENCODING_RAW} (since version 3). A node may still send any sample raw.
   */
  record Ready(long sampleBytes, int maxBoxes, int compression) implements Message {
    /** A READY without compression. */
    public Ready(long sampleBytes, int maxBoxes) {
      this(sampleBytes, maxBoxes, Protocol.ENCODING_RAW);
    }
  }

  /**
   * Client → node: process these dataset indices of {@code epoch}, in this order, and stream them
   * back as {@link Sample} or {@link Failed}, position by position, as credits allow.
   */
  record Chunk(int chunkId, int epoch, int[] indices) implements Message {}

  /** Client → node: {@code credits} more samples may be sent (over all chunks of the connection). */
  record Credit(int credits) implements Message {}

  /**
   * Client → node: stop working on a chunk (its remaining positions are not wanted any more). The
   * node drops the positions it has not started; those already started are still sent (each took
   * a credit), then CHUNK_DONE. A Cancel of an unknown or finished chunk is ignored.
   */
  record Cancel(int chunkId) implements Message {}

  /**
   * Node → client: the processed sample at {@code position} of chunk {@code chunkId}. {@code boxes}
   * holds {@code 4 * boxCount} floats, {@code boxLabels} {@code boxCount} ints; {@code keptBoxes}
   * is how many boxes the transforms kept before truncation to the session's {@code maxBoxes}.
   * {@code encoding} says how {@code pixels} travel: {@link Protocol#ENCODING_RAW} (exactly the
   * session's {@code sampleBytes}) or the session's compression (since version 3).
   */
  record Sample(int chunkId, int position, int index, int label, int keptBoxes, float[] boxes, int[] boxLabels,
      int encoding, ByteBuf pixels) implements Message, ReferenceCounted {
    /** A sample whose pixels travel raw ({@link Protocol#ENCODING_RAW}). */
    public Sample(int chunkId, int position, int index, int label, int keptBoxes, float[] boxes, int[] boxLabels,
        ByteBuf pixels) {
      this(chunkId, position, index, label, keptBoxes, boxes, boxLabels, Protocol.ENCODING_RAW, pixels);
    }

    @Override
    public int refCnt() {
      return pixels.refCnt();
    }

    @Override
    public Sample retain() {
      pixels.retain();
      return this;
    }

    @Override
    public Sample retain(int increment) {
      pixels.retain(increment);
      return this;
    }

    @Override
    public Sample touch() {
      pixels.touch();
      return this;
    }

    @Override
    public Sample touch(Object hint) {
      pixels.touch(hint);
      return this;
    }

    @Override
    public boolean release() {
      return pixels.release();
    }

    @Override
    public boolean release(int decrement) {
      return pixels.release(decrement);
    }
  }

  /** Node → client: the sample at {@code position} failed to read or decode; {@code source} names it. */
  record Failed(int chunkId, int position, int index, String source, String error) implements Message {}

  /**
   * Node → client (since version 3): the node is draining and will stop within {@code graceMillis}.
   * It takes no more chunks: the client sends it none from now on. It still finishes the chunks it
   * holds (a CHUNK that crossed LEAVING on the wire included) as credits allow, until the grace
   * period ends and it closes; whatever it did not finish the client gives to other nodes.
   */
  record Leaving(int graceMillis) implements Message {}

  /** Node → client: nothing more will be sent for this chunk (every position was sent, or it was cancelled). */
  record ChunkDone(int chunkId) implements Message {}

  /** Either side: a fatal error; the sender closes the connection after it. */
  record Error(int code, String message) implements Message {
    /** The peer speaks another protocol version. */
    public static final int VERSION = 1;
    /** The token proof was wrong or missing. */
    public static final int AUTH = 2;
    /** The node serves another dataset than the client expects. */
    public static final int DATASET = 3;
    /** A frame could not be parsed or broke the protocol's rules. */
    public static final int PROTOCOL = 4;
    /** The plan could not be applied (unknown transform, bad size). */
    public static final int PLAN = 5;
    /** The node failed internally. */
    public static final int INTERNAL = 6;
  }
}
