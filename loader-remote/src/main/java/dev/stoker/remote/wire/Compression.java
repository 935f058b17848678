package dev.stoker.remote.wire;

/**
 * Whether sample pixels are compressed on the wire. The client offers what it may receive, the
 * node chooses among what it offers and what it allows itself, and a sample that compression
 * does not shrink travels raw. Lossless: the pixels a loader gets are the same bytes either way.
 *
 * <pre>{@code
 * RemoteOptions options = RemoteOptions.defaults().withWire(WireOptions.defaults().withCompression(Compression.ZSTD));
 * }</pre>
 */
public enum Compression {
  /** Pixels travel raw. */
  NONE,
  /** Pixels travel as zstd frames (fast levels). */
  ZSTD
}
