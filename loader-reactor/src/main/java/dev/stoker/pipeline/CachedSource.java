package dev.stoker.pipeline;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.stoker.api.CacheStats;
import dev.stoker.api.SampleException;
import dev.stoker.api.SampleSource;
import dev.stoker.image.ImageShrinker;
import java.io.IOException;
import java.io.Serial;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The {@link CachingSource} of {@link SampleCaches}: a Caffeine cache from sample index to a
 * read-only heap buffer, weighed by its bytes.
 *
 * <p>A miss reads through {@link Cache#get(Object, java.util.function.Function)}, so concurrent
 * misses of one sample read it once (the others wait for it); a read that throws leaves nothing
 * cached and its {@link IOException} (or decode error) reaches the caller unchanged.
 *
 * <p>{@link #read(int, ByteBuffer)}: on a hit the entry is copied into {@code reuse} when that is
 * writable and large enough, as the interface promises, so the loader's workers keep decoding from
 * their own (direct) buffers; otherwise a read-only view of the entry is returned, which costs no
 * copy and cannot be written through (and which, offered back as {@code reuse}, is ignored). An
 * encoded miss reads straight into {@code reuse} and caches a copy; a decoded miss uses
 * {@code reuse} for the encoded bytes and then answers with the shrunk image as on a hit.
 *
 * <p>Eviction runs on the calling threads ({@code executor(Runnable::run)}), right after each
 * insertion, so the weight stays within the budget without a background pool.
 *
 * <p>Decoded entries of a detection source: each sample's scale factors are recorded when it is
 * first decoded (8 bytes per sample, kept after eviction since they never change), and
 * {@link #copyBoxes} multiplies its boxes by them.
 */
class CachedSource implements CachingSource {
  private final SampleSource inner;
  private final long maxBytes;
  /** Null for an encoded cache. */
  private final ImageShrinker shrinker;
  private final Cache<Integer, ByteBuffer> cache;
  /** Per sample, the box scale factors as two float bit patterns (x high, y low); 0 until known. */
  private final AtomicLongArray scales;

  CachedSource(SampleSource inner, long maxBytes, ImageShrinker shrinker) {
    this.inner = inner;
    this.maxBytes = maxBytes;
    this.shrinker = shrinker;
    this.scales = shrinker != null && inner.hasBoxes() ? new AtomicLongArray(inner.size()) : null;
    this.cache = Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .weigher((Integer index, ByteBuffer entry) -> entry.remaining())
        .executor(Runnable::run)
        .recordStats()
        .build();
  }

  @Override
  public CacheStats cacheStats() {
    cache.cleanUp();
    var counters = cache.stats();
    long weight = cache.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
    return new CacheStats(counters.hitCount(), counters.missCount(), counters.evictionCount(), weight, maxBytes);
  }

  @Override
  public SampleSource inner() {
    return inner;
  }

  @Override
  public long maxBytes() {
    return maxBytes;
  }

  @Override
  public String description() {
    String what = shrinker == null ? "encoded bytes"
        : "decoded images, shorter side at most " + shrinker.shorterSide();
    return inner.description() + ", cached (" + what + ", up to " + mebibytes(maxBytes) + ")";
  }

  @Override
  public int size() {
    return inner.size();
  }

  @Override
  public String sourceName(int index) {
    return inner.sourceName(index);
  }

  @Override
  public String contentKey(int index) {
    return inner.contentKey(index);
  }

  @Override
  public int label(int index) {
    return inner.label(index);
  }

  @Override
  public List<String> classes() {
    return inner.classes();
  }

  @Override
  public ByteBuffer read(int index) throws IOException {
    return read(index, null);
  }

  @Override
  public ByteBuffer read(int index, ByteBuffer reuse) throws IOException {
    ByteBuffer writable = reuse != null && !reuse.isReadOnly() ? reuse : null;
    ByteBuffer[] readIntoCallers = new ByteBuffer[1];
    ByteBuffer entry;
    try {
      entry = cache.get(index, key -> load(key, writable, readIntoCallers));
    } catch (LoadFailure f) {
      throw f.getCause();
    }
    if (readIntoCallers[0] != null) {
      return readIntoCallers[0];
    }
    return answer(entry, writable);
  }

  /**
   * Makes the entry of sample {@code index}. An encoded entry is a copy of the bytes read into
   * {@code reuse}, and those bytes go to the caller as they are ({@code readIntoCallers[0]}).
   */
  private ByteBuffer load(int index, ByteBuffer reuse, ByteBuffer[] readIntoCallers) {
    ByteBuffer bytes;
    try {
      bytes = inner.read(index, reuse);
    } catch (IOException e) {
      throw new LoadFailure(e);
    }
    if (shrinker == null) {
      readIntoCallers[0] = bytes;
      return copyOf(bytes);
    }
    ImageShrinker.Shrunk shrunk = shrinker.shrink(bytes, inner.sourceName(index));
    if (scales != null) {
      scales.set(index, pack((float) shrunk.scaleX(), (float) shrunk.scaleY()));
    }
    return shrunk.raw().asReadOnlyBuffer();
  }

  /** The entry for a caller: copied into {@code reuse} if it fits, else a read-only view. */
  private static ByteBuffer answer(ByteBuffer entry, ByteBuffer reuse) {
    ByteBuffer view = entry.duplicate();
    if (reuse != null && reuse.capacity() >= view.remaining()) {
      reuse.clear();
      reuse.put(view);
      return reuse.flip();
    }
    return view;
  }

  private static ByteBuffer copyOf(ByteBuffer bytes) {
    byte[] copy = new byte[bytes.remaining()];
    bytes.get(bytes.position(), copy);
    return ByteBuffer.wrap(copy).asReadOnlyBuffer();
  }

  @Override
  public boolean hasBoxes() {
    return inner.hasBoxes();
  }

  @Override
  public int maxBoxCount() {
    return inner.maxBoxCount();
  }

  @Override
  public int boxCount(int index) {
    return inner.boxCount(index);
  }

  /**
   * The wrapped source's boxes, scaled to the shrunk image for a decoded cache. If the sample was
   * never decoded (the loader always reads a sample before it asks for its boxes), reads it now.
   *
   * @throws SampleException naming the sample if it has to be read now and that fails
   */
  @Override
  public int copyBoxes(int index, float[] boxes, int[] labels) {
    int count = inner.copyBoxes(index, boxes, labels);
    if (scales == null || count == 0) {
      return count;
    }
    long packed = scales.get(index);
    if (packed == 0) {
      packed = loadScales(index);
    }
    float sx = Float.intBitsToFloat((int) (packed >>> 32));
    float sy = Float.intBitsToFloat((int) packed);
    for (int i = 0; i < 4 * count; i += 4) {
      boxes[i] *= sx;
      boxes[i + 1] *= sy;
      boxes[i + 2] *= sx;
      boxes[i + 3] *= sy;
    }
    return count;
  }

  @Override
  public int maxLabelCount() {
    return inner.maxLabelCount();
  }

  @Override
  public int labelCount(int index) {
    return inner.labelCount(index);
  }

  @Override
  public int copyLabels(int index, int[] labels) {
    return inner.copyLabels(index, labels);
  }

  private long loadScales(int index) {
    try {
      read(index, null);
    } catch (IOException e) {
      throw new SampleException(inner.sourceName(index), "cannot scale its boxes: " + e.getMessage(), e);
    }
    return scales.get(index);
  }

  @Override
  public List<String> warnings() {
    return inner.warnings();
  }

  @Override
  public int warningCount() {
    return inner.warningCount();
  }

  @Override
  public String toString() {
    return "CachedSource[" + description() + "]";
  }

  private static long pack(float x, float y) {
    return (long) Float.floatToRawIntBits(x) << 32 | (Float.floatToRawIntBits(y) & 0xFFFFFFFFL);
  }

  private static String mebibytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }

  /** Carries a read's {@link IOException} out of Caffeine's mapping function. */
  private static final class LoadFailure extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    LoadFailure(IOException cause) {
      super(cause);
    }

    @Override
    public synchronized IOException getCause() {
      return (IOException) super.getCause();
    }
  }
}
