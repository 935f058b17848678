package dev.stoker.pack;

import dev.stoker.api.CacheStats;
import dev.stoker.api.SampleSource;
import dev.stoker.api.internal.Checks;
import dev.stoker.storage.BlobStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A Stoker pack (descriptor, index and tar shards, see {@link PackDescriptor}) read back as a
 * {@link SampleSource}: names, labels and boxes come from the index, held in memory; a sample's
 * bytes are its image member ({@code KEY.jpg}, or {@code KEY.rgb8} in the raw image format that the
 * loader's decoders accept as it is), read with one ranged read of its shard or from the shard
 * blocks cached by {@link ShardBlocks}.
 *
 * <p>Opening checks everything before anything is allocated for it: the descriptor's size, the
 * index's size against what the descriptor's counts allow, every index entry against the
 * descriptor, and every shard's size against the store. A failed read throws an
 * {@link IOException} naming the shard and the sample's key, which the loader turns into a
 * failure of that sample.
 *
 * <p>Read this way, the loader draws its usual per-epoch permutation over the samples (random
 * access). {@link #open} returns a {@link ShardShuffledPackSource} instead when
 * {@link PackReadOptions#shardShuffle()} asks for shards read one after the other.
 *
 * <pre>{@code
 * try (BlobStore store = BlobStores.open("/data/packs/train", StorageOptions.defaults());
 *     PackSource train = PackSource.open(store, "/data/packs/train", PackReadOptions.defaults())) {
 *   ByteBuffer jpeg = train.read(0);
 * }
 * }</pre>
 */
class PackSource implements SampleSource, AutoCloseable {
  /** The bytes a sample's index entry takes at least: shard, offset, length, label and box counts. */
  private static final int MIN_ENTRY_BYTES = 24;

  private final String location;
  private final PackDescriptor descriptor;
  private final PackIndex index;
  private final String[] shardNames;
  private final ShardBlocks blocks;
  private final int maxSampleBytes;
  private final int maxLabels;
  private final int maxBoxes;
  /** The store {@link #close()} closes, or null when the caller owns it. */
  private volatile BlobStore ownedStore;
  /** Shard {@code s}'s samples, in offset order, are {@code inShardOrder[shardStart[s] .. shardStart[s + 1])}. */
  final int[] shardStart;
  final int[] inShardOrder;

  PackSource(String location, PackDescriptor descriptor, PackIndex index, BlobStore store, long[] shardBytes,
      PackReadOptions options, ReadPath path) {
    this.location = location;
    this.descriptor = descriptor;
    this.index = index;
    this.maxSampleBytes = options.maxSampleBytes();
    this.shardNames = descriptor.shards().stream().map(PackDescriptor.Shard::name).toArray(String[]::new);
    int labels = 1;
    int boxes = 0;
    for (int i = 0; i < index.size(); i++) {
      labels = Math.max(labels, index.labelCount(i));
      boxes = Math.max(boxes, index.boxCount(i));
    }
    this.maxLabels = labels;
    this.maxBoxes = boxes;
    this.shardStart = new int[shardNames.length + 1];
    this.inShardOrder = groupByShard(index, descriptor, location);
    this.blocks = new ShardBlocks(store, shardNames, shardBytes, options.blockBytes(), options.cacheBytes(),
        this::samplesIn, path == ReadPath.BLOCKS, options.shardShuffle());
  }

  /**
   * Opens the pack at the root of {@code store}. The source reads from {@code store} but does not
   * own it: close the store after the source.
   *
   * @param store the store holding {@value PackDescriptor#FILE_NAME}, {@value PackDescriptor#INDEX_NAME} and the shards
   * @param location the pack's location for names and messages, e.g. {@code s3://bucket/train}
   * @param options how to read it
   * @return the source; a {@link ShardShuffledPackSource} under {@link PackReadOptions#shardShuffle()}
   * @throws PackFormatException naming the file if the descriptor, index or a shard is malformed
   *     or they do not agree
   * @throws IOException naming the store and key if a file cannot be read
   */
  static PackSource open(BlobStore store, String location, PackReadOptions options) throws IOException {
    return open(store, location, options, ReadPath.AUTO);
  }

  /**
   * How samples are read: through the block cache, or each with its own ranged read. A local pack
   * is read through the blocks too: measured on classify/train, a read from a cached block costs
   * about 4 us of CPU, a ranged read of a local store about 40-100 us (it opens the file and
   * resolves its real path each time), a file of the folder about 25 us.
   */
  enum ReadPath {
    BLOCKS,
    DIRECT,
    /**
     * Blocks under shard shuffle (every block is read front to back) and for a pack the cache holds
     * whole; else direct. In the global order a block loaded for one sample serves its neighbours
     * only while it stays cached, so over a pack larger than the cache most loads would serve one
     * sample: a full-size raw pack of classify/train (636 KB a sample, 2.4 GB) read 4 MiB per sample
     * and ran at 1,836 images/s against 3,307 from the folder.
     */
    AUTO
  }

  /** {@link #open(BlobStore, String, PackReadOptions)} with the read path chosen by the caller. */
  static PackSource open(BlobStore store, String location, PackReadOptions options, ReadPath path) throws IOException {
    Checks.notNull(store, "store");
    Checks.notNull(location, "location");
    Checks.notNull(options, "options");
    Checks.notNull(path, "path");
    String root = location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
    PackDescriptor descriptor = readDescriptor(store, root);
    PackIndex index = readIndex(store, root, descriptor);
    long[] sizes = PackShards.checkSizes(store, root, descriptor);
    if (path == ReadPath.AUTO) {
      long packBytes = 0;
      for (long bytes : sizes) {
        packBytes += bytes;
      }
      path = options.shardShuffle() || packBytes <= options.cacheBytes() ? ReadPath.BLOCKS : ReadPath.DIRECT;
    }
    return options.shardShuffle()
        ? new ShardShuffledPackSource(root, descriptor, index, store, sizes, options, path)
        : new PackSource(root, descriptor, index, store, sizes, options, path);
  }

  private static PackDescriptor readDescriptor(BlobStore store, String root) throws IOException {
    String name = root + "/" + PackDescriptor.FILE_NAME;
    long size = sizeOf(store, PackDescriptor.FILE_NAME, name);
    if (size > DescriptorJson.MAX_BYTES) {
      throw new PackFormatException(name, "is " + size + " bytes, more than a descriptor's " + DescriptorJson.MAX_BYTES);
    }
    return DescriptorJson.read(store.read(PackDescriptor.FILE_NAME, 0, (int) size), name);
  }

  private static PackIndex readIndex(BlobStore store, String root, PackDescriptor d) throws IOException {
    String name = root + "/" + PackDescriptor.INDEX_NAME;
    long size = sizeOf(store, PackDescriptor.INDEX_NAME, name);
    long n = d.samples();
    long most = PackIndex.MAGIC.length + 4 + n * (MIN_ENTRY_BYTES + 4L * d.maxLabels() + 20L * d.maxBoxes());
    long least = PackIndex.MAGIC.length + 4 + n * MIN_ENTRY_BYTES;
    if (size > most || size < least) {
      throw new PackFormatException(name, "is " + size + " bytes; " + n + " samples with at most " + d.maxLabels()
          + " labels and " + d.maxBoxes() + " boxes each take " + least + " to " + most);
    }
    if (size > Integer.MAX_VALUE - 8) {
      throw new PackFormatException(name, "is " + size + " bytes, more than an index this reader holds (2 GiB)");
    }
    ByteBuffer bytes = ByteBuffer.allocate((int) size);
    while (bytes.hasRemaining()) {
      int chunk = Math.min(bytes.remaining(), BlobStore.MAX_READ_BYTES);
      bytes.put(store.read(PackDescriptor.INDEX_NAME, bytes.position(), chunk));
    }
    return PackIndex.read(bytes.flip(), d, name);
  }

  static long sizeOf(BlobStore store, String key, String name) throws IOException {
    try {
      return store.size(key);
    } catch (NoSuchFileException e) {
      throw new PackFormatException(name, "is missing");
    }
  }

  /** Groups the samples by shard, each shard's by offset; checks the counts against the descriptor. */
  private int[] groupByShard(PackIndex idx, PackDescriptor d, String root) {
    int[] count = new int[shardStart.length - 1];
    for (int i = 0; i < idx.size(); i++) {
      count[idx.shard(i)]++;
    }
    for (int s = 0; s < count.length; s++) {
      if (count[s] != d.shards().get(s).samples()) {
        throw new PackFormatException(root + "/" + PackDescriptor.INDEX_NAME, "places " + count[s] + " samples in "
            + shardNames[s] + ", the descriptor says " + d.shards().get(s).samples());
      }
      shardStart[s + 1] = shardStart[s] + count[s];
    }
    int[] next = Arrays.copyOf(shardStart, count.length);
    int[] order = new int[idx.size()];
    for (int i = 0; i < idx.size(); i++) {
      order[next[idx.shard(i)]++] = i;
    }
    for (int s = 0; s < count.length; s++) {
      boolean sorted = true;
      for (int p = shardStart[s] + 1; p < shardStart[s + 1] && sorted; p++) {
        sorted = idx.offset(order[p - 1]) <= idx.offset(order[p]);
      }
      if (!sorted) {
        Integer[] boxed = new Integer[count[s]];
        for (int p = 0; p < boxed.length; p++) {
          boxed[p] = order[shardStart[s] + p];
        }
        Arrays.sort(boxed, (a, b) -> Long.compare(idx.offset(a), idx.offset(b)));
        for (int p = 0; p < boxed.length; p++) {
          order[shardStart[s] + p] = boxed[p];
        }
      }
    }
    return order;
  }

  /**
   * The samples read through blocks whose bytes overlap {@code [from, to)} of shard {@code shard}:
   * a binary search for the first sample ending after {@code from} in the shard's offset order,
   * then a scan while samples start before {@code to}.
   */
  private int samplesIn(int shard, long from, long to) {
    int lo = shardStart[shard];
    int hi = shardStart[shard + 1];
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      int i = inShardOrder[mid];
      if (index.offset(i) + index.length(i) > from) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    int count = 0;
    for (int p = lo; p < shardStart[shard + 1] && index.offset(inShardOrder[p]) < to; p++) {
      int i = inShardOrder[p];
      if (index.offset(i) + index.length(i) > from && blocks.throughBlocks(index.length(i))) {
        count++;
      }
    }
    return count;
  }

  /** The pack's descriptor. */
  PackDescriptor descriptor() {
    return descriptor;
  }

  /** The shard blocks this source reads through (for tests and stats). */
  ShardBlocks blocks() {
    return blocks;
  }

  @Override
  public String description() {
    return String.format(Locale.ROOT, "pack %s (%d samples, %d classes, %d shards, %s%s%s)", location, size(),
        classes().size(), shardNames.length, descriptor.imageFormat(),
        descriptor.maxSide() > 0 ? ", shorter side at most " + descriptor.maxSide() : "", readMode());
  }

  /** How this source reads, for its description. */
  String readMode() {
    return blocks.cached() ? ", random access through a block cache" : ", random access";
  }

  @Override
  public int size() {
    return index.size();
  }

  @Override
  public String sourceName(int i) {
    checkIndex(i);
    return location + "/" + shardNames[index.shard(i)] + ":" + key(i) + "." + descriptor.imageExtension();
  }

  /**
   * The sample's member in its shard, its byte range there, and the first 16 hex digits of the
   * shard's SHA-256 as the descriptor records it, e.g.
   * {@code shard-000000.tar:000000000.jpg 1536+118232 sha256:9f2c4e0a77d1c3b8}: the pack's content,
   * not its location. A copy of the pack anywhere (another directory, bucket or server) gives the
   * same keys; a pack written from other images has other shard checksums. Nothing is read.
   */
  @Override
  public String contentKey(int i) {
    checkIndex(i);
    int shard = index.shard(i);
    return shardNames[shard] + ":" + key(i) + "." + descriptor.imageExtension() + " " + index.offset(i) + "+"
        + index.length(i) + " sha256:" + descriptor.shards().get(shard).sha256().substring(0, 16);
  }

  /** The nine-digit key of sample {@code i}, without {@code String.format}. */
  static String key(int i) {
    String digits = Integer.toString(i);
    return "000000000".substring(Math.min(9, digits.length())) + digits;
  }

  @Override
  public int label(int i) {
    checkIndex(i);
    return index.label(i);
  }

  @Override
  public List<String> classes() {
    return descriptor.classes();
  }

  @Override
  public ByteBuffer read(int i) throws IOException {
    checkIndex(i);
    ByteBuffer out = ByteBuffer.allocate(checkedLength(i));
    return readInto(i, out);
  }

  @Override
  public ByteBuffer read(int i, ByteBuffer reuse) throws IOException {
    checkIndex(i);
    int length = checkedLength(i);
    ByteBuffer out = reuse != null && !reuse.isReadOnly() && reuse.capacity() >= length
        ? reuse.clear()
        : ByteBuffer.allocateDirect((int) Math.min(Integer.MAX_VALUE - 8, length + (long) length / 4 + 4096));
    out.limit(length);
    return readInto(i, out);
  }

  private int checkedLength(int i) throws IOException {
    int length = index.length(i);
    if (length > maxSampleBytes) {
      throw new IOException(sourceName(i) + ": " + length + " bytes, over the limit of " + maxSampleBytes
          + " bytes per sample (PackReadOptions.maxSampleBytes)");
    }
    return length;
  }

  private ByteBuffer readInto(int i, ByteBuffer out) throws IOException {
    try {
      blocks.read(index.shard(i), index.offset(i), out);
    } catch (IOException | RuntimeException e) {
      throw new IOException(sourceName(i) + ": cannot read bytes [" + index.offset(i) + ", +" + index.length(i)
          + "): " + e.getMessage(), e);
    }
    return out.flip();
  }

  @Override
  public boolean hasBoxes() {
    return descriptor.hasBoxes();
  }

  @Override
  public int maxBoxCount() {
    return maxBoxes;
  }

  @Override
  public int boxCount(int i) {
    checkIndex(i);
    return index.boxCount(i);
  }

  @Override
  public int copyBoxes(int i, float[] boxes, int[] labels) {
    checkIndex(i);
    return index.copyBoxes(i, boxes, labels);
  }

  @Override
  public int maxLabelCount() {
    return maxLabels;
  }

  @Override
  public int labelCount(int i) {
    checkIndex(i);
    return index.labelCount(i);
  }

  @Override
  public int copyLabels(int i, int[] labels) {
    checkIndex(i);
    return index.copyLabels(i, labels);
  }

  @Override
  public CacheStats cacheStats() {
    return blocks.stats();
  }

  private void checkIndex(int i) {
    if (i < 0 || i >= index.size()) {
      throw new IndexOutOfBoundsException("index " + i + " outside [0, " + index.size() + ") of " + location);
    }
  }

  /**
   * Makes {@link #close()} close {@code store} too, for a source whose store was opened for it alone
   * (by {@link Packs}).
   */
  void closeStoreOnClose(BlobStore store) {
    this.ownedStore = store;
  }

  /**
   * Stops read-ahead and drops the cached blocks. The store stays open (its opener closes it), unless
   * the source was opened through {@link Packs}, which opened the store for it alone.
   */
  @Override
  public void close() {
    blocks.close();
    BlobStore store = ownedStore;
    if (store != null) {
      store.close();
    }
  }

  @Override
  public String toString() {
    return "PackSource[" + description() + "]";
  }
}
