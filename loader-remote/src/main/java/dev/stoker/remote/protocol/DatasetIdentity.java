package dev.stoker.remote.protocol;

import dev.stoker.api.SampleSource;
import dev.stoker.pipeline.CachingSource;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A short fingerprint of a dataset's content, not of where it is stored: a client refuses a node
 * whose identity differs from the one it expects, and accepts two nodes that serve copies of one
 * dataset under different paths, buckets or servers.
 *
 * <p><b>What it covers.</b> SHA-256 over, in this order (every string UTF-8 with its length before
 * it, so no name can pass for a separator):
 * <ol>
 *   <li>the number of samples, whether they carry boxes, the most labels a sample has, and the
 *       class names in label order;
 *   <li>for every sample: its {@link SampleSource#contentKey key} (its name relative to the
 *       dataset's root: {@code cat/001.jpg} in an image folder, the path written in a manifest, a
 *       COCO or VOC file name under the image directory, an object key under an {@code s3://} or
 *       {@code http(s)://} folder; for tar shards also each member's byte range; for a Stoker pack
 *       its shard, member, byte range and the shard's SHA-256 from the descriptor), all its labels,
 *       and all its boxes (coordinates and labels);
 *   <li>the bytes of {@value #SAMPLED_READS} samples (every sample of a smaller dataset), chosen by
 *       a generator seeded with the digest of 1 and 2, so every copy reads the same ones: each
 *       one's length and SHA-256, or a fixed mark if it cannot be read.
 * </ol>
 *
 * <p><b>What it does not cover.</b> Where the dataset lies (its root, the manifest's or annotation
 * file's own name, the bucket or server). The bytes of the samples not read: an edit of an image
 * file that keeps its name, in an image folder, manifest, COCO/VOC set, object folder (or, for
 * tar shards, keeps its byte range), goes unnoticed unless that file is one of the
 * {@value #SAMPLED_READS} read; a re-encoded or resized copy of a dataset changes every file, so it
 * is caught. A Stoker pack is covered whole, as far as its descriptor's shard checksums are true.
 * A source that does not override {@link SampleSource#contentKey} is named by its
 * {@link SampleSource#sourceName}, which usually holds its location: copies of it elsewhere are
 * refused, as before.
 *
 * <p><b>Cost.</b> No file is listed, examined or read but the {@value #SAMPLED_READS} samples (read
 * {@value #READ_THREADS} at a time); the rest is hashing what the source holds in memory: 0.5 to
 * 2.6 s for 1.2 million samples measured on a loaded 2-core machine, no more than the identity by
 * path took, and less than listing them (docs/remote-identity.md).
 *
 * <pre>{@code
 * String a = DatasetIdentity.of(ImageFolderSource.open(Path.of("/mnt/a/train")));  // "sha256:9f2c.../1281167"
 * String b = DatasetIdentity.of(ImageFolderSource.open(Path.of("/mnt/b/train")));  // the same for a copy
 * }</pre>
 */
public final class DatasetIdentity {
  /** How many samples' bytes are read and hashed. */
  public static final int SAMPLED_READS = 32;
  /** How many of them are read at once. */
  static final int READ_THREADS = 8;

  private static final String PREFIX = "sha256:";
  private static final int HEX_DIGITS = 24;
  private static final byte[] UNREADABLE = "unreadable".getBytes(StandardCharsets.UTF_8);

  private DatasetIdentity() {}

  /**
   * {@code sha256:<first 24 hex digits>/<size>} of what the class documentation lists. Blocking:
   * reads {@value #SAMPLED_READS} samples.
   *
   * @param source the dataset, not null
   * @return the identity
   * @throws IllegalStateException if interrupted while reading the samples
   */
  public static String of(SampleSource source) {
    byte[] listing = listingDigest(source);
    MessageDigest sha = sha256();
    sha.update(listing);
    for (byte[] sampled : sampledDigests(source, listing)) {
      sha.update(sampled);
    }
    return PREFIX + HexFormat.of().formatHex(sha.digest()).substring(0, HEX_DIGITS) + "/" + source.size();
  }

  /** The digest of what the source holds in memory: counts, classes, and every sample's key, labels and boxes. */
  static byte[] listingDigest(SampleSource source) {
    Hashing out = new Hashing();
    out.text("stoker-dataset-v2");
    out.integer(source.size());
    out.integer(source.hasBoxes() ? 1 : 0);
    int maxLabels = Math.max(1, source.maxLabelCount());
    out.integer(maxLabels);
    out.integer(source.classes().size());
    for (String c : source.classes()) {
      out.text(c);
    }
    int maxBoxes = source.hasBoxes() ? source.maxBoxCount() : 0;
    int[] labels = new int[maxLabels];
    float[] boxes = new float[4 * maxBoxes];
    int[] boxLabels = new int[maxBoxes];
    for (int i = 0; i < source.size(); i++) {
      out.text(source.contentKey(i));
      int n = source.copyLabels(i, labels);
      out.integer(n);
      for (int k = 0; k < n; k++) {
        out.integer(labels[k]);
      }
      if (maxBoxes > 0) {
        int b = source.copyBoxes(i, boxes, boxLabels);
        out.integer(b);
        for (int k = 0; k < 4 * b; k++) {
          out.integer(Float.floatToIntBits(boxes[k]));
        }
        for (int k = 0; k < b; k++) {
          out.integer(boxLabels[k]);
        }
      }
    }
    return out.digest();
  }

  /**
   * The samples whose bytes are read: all of a dataset of at most {@value #SAMPLED_READS}, else
   * {@value #SAMPLED_READS} distinct ones drawn with {@code seed}'s first 8 bytes, in index order.
   */
  static int[] sampledIndices(int size, byte[] seed) {
    if (size <= SAMPLED_READS) {
      int[] all = new int[size];
      for (int i = 0; i < size; i++) {
        all[i] = i;
      }
      return all;
    }
    SplittableRandom random = new SplittableRandom(ByteBuffer.wrap(seed).getLong());
    TreeSet<Integer> chosen = new TreeSet<>();
    while (chosen.size() < SAMPLED_READS) {
      chosen.add(random.nextInt(size));
    }
    return chosen.stream().mapToInt(Integer::intValue).toArray();
  }

  /** For each sampled index in order: its index, length and SHA-256, or the unreadable mark. */
  private static List<byte[]> sampledDigests(SampleSource source, byte[] seed) {
    SampleSource bytes = source instanceof CachingSource cache ? cache.inner() : source;  // the files, not pixels
    int[] indices = sampledIndices(source.size(), seed);
    if (indices.length == 0) {
      return List.of();
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(READ_THREADS, indices.length),
        Thread.ofPlatform().daemon().name("stoker-identity-", 0).factory());
    try {
      List<Future<byte[]>> reads = new ArrayList<>();
      for (int index : indices) {
        reads.add(pool.submit(() -> sampled(bytes, index)));
      }
      List<byte[]> digests = new ArrayList<>();
      for (Future<byte[]> read : reads) {
        digests.add(read.get());
      }
      return digests;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading samples for the dataset identity", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot hash a sample for the dataset identity: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private static byte[] sampled(SampleSource source, int index) {
    MessageDigest sha = sha256();
    ByteBuffer head = ByteBuffer.allocate(12).putInt(index);
    try {
      ByteBuffer data = source.read(index);
      sha.update(head.putLong(data.remaining()).array());
      sha.update(data);
    } catch (Exception e) {
      // the message names the file, so it differs between copies: only the fact is hashed
      sha.update(head.putLong(-1).array());
      sha.update(UNREADABLE);
    }
    return sha.digest();
  }

  /**
   * Whether {@code identity} has the form {@link #of} makes, for a dataset of {@code size}
   * samples: a client checks a node's claim with it before printing or comparing it.
   *
   * @param identity the claimed identity, may be null
   * @param size the dataset size the node claimed
   * @return whether the identity is {@code sha256:<24 lower-case hex digits>/<size>}
   */
  public static boolean isWellFormed(String identity, int size) {
    if (identity == null || !identity.startsWith(PREFIX) || size < 0) {
      return false;
    }
    String suffix = "/" + size;
    if (identity.length() != PREFIX.length() + HEX_DIGITS + suffix.length() || !identity.endsWith(suffix)) {
      return false;
    }
    for (int i = PREFIX.length(); i < PREFIX.length() + HEX_DIGITS; i++) {
      char c = identity.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Length-prefixed strings and big-endian ints into a SHA-256, through a 64 KiB buffer. */
  private static final class Hashing {
    private final MessageDigest sha = sha256();
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16);

    void integer(int value) {
      if (buffer.remaining() < Integer.BYTES) {
        flush();
      }
      buffer.putInt(value);
    }

    void text(String s) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      integer(utf8.length);
      if (utf8.length > buffer.remaining()) {
        flush();
      }
      if (utf8.length > buffer.remaining()) {
        sha.update(utf8);
      } else {
        buffer.put(utf8);
      }
    }

    private void flush() {
      sha.update(buffer.array(), 0, buffer.position());
      buffer.clear();
    }

    byte[] digest() {
      flush();
      return sha.digest();
    }
  }
}
