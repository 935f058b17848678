package dev.stoker.remote.protocol;

/**
 * The constants of the Stoker wire protocol: frame layout, type codes and field limits.
 *
 * <p>Every message is one frame. All integers are big-endian; {@code u8/u16/u32} are unsigned on
 * the wire, but a {@code u32} count or length above {@code 2^31 - 1} is refused.
 *
 * <pre>
 * FRAME
 * +-------------+------------+---------+----------------------------+
 * | length  u32 | version u8 | type u8 | payload (length - 2 bytes) |
 * +-------------+------------+---------+----------------------------+
 *   length counts every byte after itself; the whole frame (length + 4) is at most maxFrameBytes
 *   (DEFAULT_MAX_FRAME_BYTES unless configured); a longer one is refused as soon as its length is read.
 *   A node accepts less inbound: MAX_HANDSHAKE_FRAME_BYTES until AUTH, then what OPEN needs (its
 *   plan limit), after READY what its largest CHUNK needs (its chunk limit).
 *
 * FIELDS
 *   bytes8   = u8 n  | n bytes              (nonces: exactly 16, proofs: 0 or 32)
 *   string16 = u16 n | n bytes UTF-8        (strictly valid UTF-8)
 *   string32 = u32 n | n bytes UTF-8        (at most MAX_PLAN_BYTES)
 *   array    = u32 n | n elements           (n checked against the bytes left before allocating)
 *
 * PAYLOADS
 *   HELLO      magic u32 | clientNonce bytes8
 *   WELCOME    magic u32 | nodeNonce bytes8 | tokenRequired u8 (0|1)
 *   AUTH       proof bytes8
 *   DATASET    nodeProof bytes8 | datasetIdentity string16 | datasetSize i32 (&gt;= 0)
 *              | classes array of string16 | hasBoxes u8 (0|1) | maxBoxCount i32 (&gt;= 0)
 *   OPEN       datasetIdentity string16 | planJson string32 | compressions u8 (bit mask of encodings)
 *   READY      sampleBytes i64 (&gt;= 0) | maxBoxes i32 (&gt;= 0) | compression u8 (an encoding offered, or 0)
 *   CHUNK      chunkId i32 | epoch i32 | indices array of i32
 *   CREDIT     credits i32 (&gt;= 0)
 *   CANCEL     chunkId i32
 *   SAMPLE     chunkId i32 | position i32 | index i32 | label i32 | keptBoxes i32 (&gt;= 0)
 *              | boxCount u32 | boxCount * 4 f32 (x0 y0 x1 y1) | boxCount * i32 labels
 *              | encoding u8 (0 raw, 1 zstd) | pixelBytes u32 | pixels (exactly pixelBytes, the rest of
 *              the frame; raw: exactly sampleBytes; zstd: one frame declaring exactly sampleBytes)
 *   FAILED     chunkId i32 | position i32 | index i32 | source string16 | error string16
 *   CHUNK_DONE chunkId i32
 *   LEAVING    graceMillis i32 (&gt;= 0)
 *   ERROR      code u16 | message string16
 *   A payload must be consumed exactly: trailing bytes are an error. Free text (FAILED source
 *   and error, ERROR message) longer than 65535 bytes is cut by the encoder at a character
 *   boundary; a dataset identity that long is refused.
 * </pre>
 *
 * <p><b>Magic.</b> The magic {@code "STKR"} travels only in HELLO and WELCOME, where it tells
 * either side on the first frame that the peer speaks this protocol at all. TCP (and TLS) deliver
 * the rest in order, so a desynchronised stream can only come from a bug, and the version byte,
 * the type code and the exact-length payload rules already catch that; four more bytes in every
 * CREDIT and SAMPLE would check nothing new. A stranger that is not Stoker (an HTTP request, a
 * port scanner) fails on its first bytes anyway: {@code "GET "} read as a length is about 1.2 GB.
 *
 * <p><b>Versions.</b> The length and version bytes keep their place in every future version. A
 * frame whose version differs from {@link #VERSION} is refused with {@link Message.Error#VERSION},
 * except ERROR, whose type code and layout are frozen so that a peer of another version can still
 * say why it hangs up. {@code Hello.version} and {@code Welcome.version} are the frame's version
 * byte.
 *
 * <p><b>Conversation.</b> Strictly in this order; the node ({@code N}) answers anything else with
 * ERROR. Either side may send ERROR at any time and then closes the connection.
 *
 * <pre>
 *   client                                 node
 *     | HELLO  (magic, clientNonce)          |
 *     |-------------------------------------&gt;|
 *     |     WELCOME (magic, nodeNonce, token required?)
 *     |&lt;-------------------------------------|
 *     | AUTH   (clientProof, or empty)       |   node checks the proof: ERROR(AUTH) if wrong
 *     |-------------------------------------&gt;|
 *     |     DATASET (nodeProof, dataset identity, size, classes, boxes)
 *     |&lt;-------------------------------------|   client checks the node's proof, then the rest
 *     | OPEN   (dataset identity, plan JSON) |   ERROR(DATASET) / ERROR(PLAN) if refused
 *     |-------------------------------------&gt;|
 *     |     READY (sampleBytes, maxBoxes)    |
 *     |&lt;-------------------------------------|
 *     | CHUNK (id, epoch, indices) ...       |
 *     | CREDIT (n) ...  CANCEL (id) ...      |
 *     |-------------------------------------&gt;|
 *     |     SAMPLE / FAILED per position, at most as many as credited; CHUNK_DONE per chunk
 *     |&lt;-------------------------------------|
 *     | ERROR (code, message), then close    |   either direction
 *     |&lt;------------------------------------&gt;|
 * </pre>
 *
 * <p><b>Before AUTH.</b> A peer that has not proven it knows the token learns nothing about the
 * dataset: WELCOME carries a nonce and whether a token is required, and the node answers a wrong
 * proof with ERROR(AUTH) only. The dataset (identity, size, class names, boxes) comes in DATASET,
 * once the proof checks out, and with the node's own proof first. Version 1 sent the dataset in
 * WELCOME; version 2 moved it, and the node's proof from READY to DATASET. Version 3 added
 * compression (OPEN offers, READY chooses, each SAMPLE says its encoding) and LEAVING (a draining
 * node tells its clients to send it no more chunks).
 *
 * <p><b>Tokens and TLS.</b> The proofs are not bound to the connection (the TLS session), so over
 * plain TCP a man in the middle could relay them, and one recorded exchange lets anyone guess a
 * weak token offline. Hence a token travels over TLS or over loopback only: a node bound to
 * anything but loopback needs TLS and a token, and a client with a token refuses a non-loopback
 * node without TLS. A token has at least {@link TokenAuth#MIN_TOKEN_BYTES} bytes.
 *
 * <p>Both ends use these constants rather than literals:
 *
 * <pre>{@code
 * Pipelines.addCodec(pipeline, Protocol.DEFAULT_MAX_FRAME_BYTES);
 * String name = Protocol.typeName(Protocol.SAMPLE);   // "SAMPLE"
 * }</pre>
 */
public final class Protocol {
  /** {@code "STKR"}, the first field of HELLO and WELCOME. */
  public static final int MAGIC = 0x53544B52;
  /** The protocol version this build speaks. */
  public static final int VERSION = 3;
  /** The default largest frame, length prefix included: 64 MiB. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 64 << 20;
  /** The smallest limit on frames that {@link Pipelines#addCodec} accepts. */
  public static final int MIN_MAX_FRAME_BYTES = 1024;
  /** Size of the length prefix. */
  public static final int LENGTH_BYTES = 4;
  /** Size of version + type, after the length prefix. */
  public static final int HEADER_BYTES = 2;
  /** Size of every nonce. */
  public static final int NONCE_BYTES = 16;
  /** Size of a non-empty proof (HMAC-SHA256). */
  public static final int PROOF_BYTES = 32;
  /** Largest string16 (dataset identity, source, error text). */
  public static final int MAX_STRING16_BYTES = 0xFFFF;
  /**
   * The largest frame, length prefix included, that a node accepts before the client has
   * authenticated (HELLO and AUTH take under 64 bytes; a longer frame is refused as soon as its
   * length is read): 4 KiB. After AUTH the node accepts what OPEN needs, after READY what the
   * largest CHUNK needs, both from its configured limits, never the outbound sample limit.
   */
  public static final int MAX_HANDSHAKE_FRAME_BYTES = 4 << 10;
  /** Largest plan JSON. */
  public static final int MAX_PLAN_BYTES = 1 << 20;
  /** How long an ERROR frame may take to leave before its sender closes the channel regardless. */
  public static final long CLOSE_GRACE_MILLIS = 2_000;

  public static final int HELLO = 1;
  public static final int WELCOME = 2;
  public static final int AUTH = 3;
  public static final int OPEN = 4;
  public static final int READY = 5;
  public static final int CHUNK = 6;
  public static final int CREDIT = 7;
  public static final int CANCEL = 8;
  public static final int SAMPLE = 9;
  public static final int FAILED = 10;
  public static final int CHUNK_DONE = 11;
  /** Since version 2: the dataset, after a successful AUTH. */
  public static final int DATASET = 12;
  /** Since version 3: the node is draining. */
  public static final int LEAVING = 13;

  /** SAMPLE encoding: the pixels as they are, exactly {@code sampleBytes}. */
  public static final int ENCODING_RAW = 0;
  /** SAMPLE encoding: one zstd frame whose content is the pixels (exactly {@code sampleBytes} once decoded). */
  public static final int ENCODING_ZSTD = 1;
  /** The highest encoding code this version knows. */
  public static final int MAX_ENCODING = ENCODING_ZSTD;
  /** Frozen across versions. */
  public static final int ERROR = 127;

  private Protocol() {}

  /** The name of a type code for messages, {@code "type 42"} when unknown. */
  public static String typeName(int type) {
    return switch (type) {
      case HELLO -> "HELLO";
      case WELCOME -> "WELCOME";
      case AUTH -> "AUTH";
      case OPEN -> "OPEN";
      case READY -> "READY";
      case CHUNK -> "CHUNK";
      case CREDIT -> "CREDIT";
      case CANCEL -> "CANCEL";
      case SAMPLE -> "SAMPLE";
      case FAILED -> "FAILED";
      case CHUNK_DONE -> "CHUNK_DONE";
      case DATASET -> "DATASET";
      case LEAVING -> "LEAVING";
      case ERROR -> "ERROR";
      default -> "type " + type;
    };
  }
}
