package dev.stoker.pack;

import dev.stoker.api.LoaderException;
import dev.stoker.api.SampleSource;
import dev.stoker.dataset.SourceProblems;
import dev.stoker.storage.BlobStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * WebDataset tar shards that Stoker did not write: {@code KEY.jpg} (or {@code .jpeg}, {@code .png},
 * any case) with {@code KEY.cls} or {@code KEY.json}, read from any {@link BlobStore}.
 *
 * <p>Opening scans every shard's tar headers front to back, in chunks of
 * {@link PackReadOptions#blockBytes()} (a few shards at once), and keeps an index in flat arrays:
 * each sample's shard, image offset and length, and labels. Samples are in shard order, then in
 * file order within a shard. Classes are {@code "0"} to the largest label found. A sample without
 * an image or a label is skipped and counted in {@link #warnings()}; a shard whose headers are
 * damaged or hostile (a bad checksum, a size past its end, a {@code ..} name) is skipped whole,
 * with a warning naming it; if no sample is left, opening fails naming the first problem. Reads
 * are one ranged read per sample, up to {@link PackReadOptions#maxSampleBytes()}.
 *
 * <p>Closing the source closes its store.
 */
final class WebDatasetSource implements SampleSource, AutoCloseable {
  /** The most samples one source holds. */
  static final int MAX_SAMPLES = 1 << 28;
  /** The most characters of member names held (about 2 GiB). */
  static final int MAX_NAME_CHARS = 1 << 30;

  private final BlobStore store;
  private final String location;
  private final List<String> shards;
  private final int[] shard;
  private final long[] offset;
  private final long[] length;
  private final int[] labelStart;
  private final int[] labels;
  private final String names;
  private final int[] nameEnds;
  private final List<String> classes;
  private final int maxLabels;
  private final SourceProblems problems;
  private final int maxSampleBytes;

  private WebDatasetSource(BlobStore store, String location, List<String> shards, List<ShardScan> scans,
      SourceProblems problems, int maxSampleBytes) {
    this.store = store;
    this.location = location;
    this.shards = List.copyOf(shards);
    this.problems = problems;
    this.maxSampleBytes = maxSampleBytes;
    long total = 0;
    long chars = 0;
    int maxLabel = 0;
    int most = 1;
    for (ShardScan s : scans) {
      total += s.samples;
      chars += s.names.length();
      maxLabel = Math.max(maxLabel, s.maxLabel);
      most = Math.max(most, s.maxLabels);
    }
    if (total > MAX_SAMPLES || chars > MAX_NAME_CHARS) {
      throw new LoaderException(location + ": " + total + " samples (" + chars + " characters of names), more than "
          + MAX_SAMPLES + " (" + MAX_NAME_CHARS + ") one source holds");
    }
    int n = (int) total;
    shard = new int[n];
    offset = new long[n];
    length = new long[n];
    nameEnds = new int[n];
    labelStart = new int[n + 1];
    PackIndex.IntList allLabels = new PackIndex.IntList();
    StringBuilder allNames = new StringBuilder((int) chars);
    int next = 0;
    for (int s = 0; s < scans.size(); s++) {
      ShardScan scan = scans.get(s);
      long[] o = scan.offsets.toArray();
      long[] l = scan.lengths.toArray();
      int[] ends = scan.nameEnds.toArray();
      int[] starts = scan.labelStart.toArray();
      int[] sampleLabels = scan.labels.toArray();
      int base = allNames.length();
      allNames.append(scan.names);
      for (int i = 0; i < scan.samples; i++, next++) {
        shard[next] = s;
        offset[next] = o[i];
        length[next] = l[i];
        nameEnds[next] = base + ends[i];
        for (int k = starts[i]; k < starts[i + 1]; k++) {
          allLabels.add(sampleLabels[k]);
        }
        labelStart[next + 1] = allLabels.size();
      }
    }
    labels = allLabels.toArray();
    names = allNames.toString();
    maxLabels = most;
    List<String> classNames = new ArrayList<>(maxLabel + 1);
    for (int c = 0; c <= maxLabel; c++) {
      classNames.add(Integer.toString(c));
    }
    classes = List.copyOf(classNames);
  }

  /**
   * Scans {@code shardKeys} in {@code store}.
   *
   * @param store the store holding the shards; the source closes it when closed
   * @param location the location the user gave, for messages
   * @param shardKeys the shards' keys, in order
   * @param options the chunk size for the scan and the largest sample read
   * @return the open source
   * @throws LoaderException naming the location if no shard holds a usable sample
   */
  static WebDatasetSource open(BlobStore store, String location, List<String> shardKeys, PackReadOptions options) {
    if (shardKeys.isEmpty() || shardKeys.size() > PackDescriptor.MAX_SHARDS) {
      throw new LoaderException(location + ": " + shardKeys.size() + " tar shards; expected 1 to "
          + PackDescriptor.MAX_SHARDS);
    }
    int threads = Math.min(shardKeys.size(), Math.min(4, options.storage().maxConnections()));
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "stoker-shard-scan");
      t.setDaemon(true);
      return t;
    });
    SourceProblems problems = new SourceProblems();
    List<ShardScan> scans = new ArrayList<>();
    try {
      List<Future<ShardScan>> futures = new ArrayList<>();
      for (String key : shardKeys) {
        futures.add(pool.submit(() -> scan(store, key, options.blockBytes())));
      }
      for (int s = 0; s < futures.size(); s++) {
        ShardScan scan = futures.get(s).get();
        scans.add(scan);
        problems.addAll(scan.problems);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LoaderException(location + ": interrupted while scanning its shards", e);
    } catch (ExecutionException e) {
      throw new LoaderException(location + ": cannot scan its shards: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
    WebDatasetSource source = new WebDatasetSource(store, location, shardKeys, scans, problems,
        Math.min(options.maxSampleBytes(), BlobStore.MAX_READ_BYTES));
    if (source.size() == 0) {
      List<String> lines = problems.lines();
      throw new LoaderException(location + ": no usable WebDataset sample in " + shardKeys.size()
          + (shardKeys.size() == 1 ? " tar shard" : " tar shards")
          + (lines.isEmpty() ? "" : " (" + problems.count() + " problems, the first: " + lines.getFirst() + ")"));
    }
    return source;
  }

  /** One shard's samples; a damaged shard gives none and one problem naming it. */
  private static ShardScan scan(BlobStore store, String key, int chunkBytes) {
    String name = store.location() + "/" + key;
    ShardScan scan = new ShardScan(name);
    try {
      ShardReader in = new ShardReader(store, key, store.size(key), chunkBytes);
      TarScanner.scan(in, name, scan);
      scan.finish();
      return scan;
    } catch (PackFormatException e) {
      return failed(name, e.getMessage());
    } catch (IOException e) {
      return failed(name, name + ": cannot read: " + e.getMessage());
    }
  }

  private static ShardScan failed(String name, String message) {
    ShardScan empty = new ShardScan(name);
    empty.problems.add(message + "; the shard is skipped");
    return empty;
  }

  @Override
  public String description() {
    int count = problems.count();
    return "WebDataset shards " + location + " (" + size() + " images, " + classes.size() + " classes, "
        + shards.size() + (shards.size() == 1 ? " shard" : " shards")
        + (count == 0 ? ")" : "; " + count + (count == 1 ? " problem" : " problems") + ", the first: "
        + problems.lines().getFirst() + ")");
  }

  @Override
  public int size() {
    return shard.length;
  }

  @Override
  public String sourceName(int index) {
    return store.location() + "/" + shards.get(shard[index]) + ":"
        + names.substring(index == 0 ? 0 : nameEnds[index - 1], nameEnds[index]);
  }

  /**
   * The sample's shard key (relative to the store's root), its image member's name and its byte
   * range in the shard, e.g. {@code train-0003.tar:n01440764_10026.jpg 512+110592}: the same for a
   * copy of the shards in another directory, bucket or server. Nothing is read.
   */
  @Override
  public String contentKey(int index) {
    return shards.get(shard[index]) + ":" + names.substring(index == 0 ? 0 : nameEnds[index - 1], nameEnds[index])
        + " " + offset[index] + "+" + length[index];
  }

  @Override
  public int label(int index) {
    return labels[labelStart[index]];
  }

  @Override
  public List<String> classes() {
    return classes;
  }

  @Override
  public int maxLabelCount() {
    return maxLabels;
  }

  @Override
  public int labelCount(int index) {
    return labelStart[index + 1] - labelStart[index];
  }

  @Override
  public int copyLabels(int index, int[] out) {
    int n = labelCount(index);
    System.arraycopy(labels, labelStart[index], out, 0, n);
    return n;
  }

  @Override
  public ByteBuffer read(int index) throws IOException {
    long bytes = length[index];
    if (bytes > maxSampleBytes) {
      throw new IOException(sourceName(index) + ": " + bytes + " bytes, over the limit of " + maxSampleBytes
          + " bytes per sample (--max-image-bytes)");
    }
    try {
      return store.read(shards.get(shard[index]), offset[index], (int) bytes);
    } catch (IOException e) {
      throw new IOException(sourceName(index) + ": cannot read: " + e.getMessage(), e);
    }
  }

  @Override
  public List<String> warnings() {
    return problems.lines();
  }

  @Override
  public int warningCount() {
    return problems.count();
  }

  /** Closes the store the shards are read from. */
  @Override
  public void close() {
    store.close();
  }

  @Override
  public String toString() {
    return description();
  }
}
