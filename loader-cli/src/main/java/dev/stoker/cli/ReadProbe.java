package dev.stoker.cli;

import dev.stoker.api.SampleSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * {@code stoker doctor}'s read measurement over the sampled files, {@value #READERS} readers in
 * parallel: cold, with {@code O_DIRECT} ({@code com.sun.nio.file.ExtendedOpenOption.DIRECT},
 * block-aligned buffers and offsets) so the page cache is bypassed without root; and cached, reading the same files normally
 * once untimed (into the page cache) and once timed. Where the file system refuses {@code O_DIRECT}
 * (tmpfs: the files are in memory anyway) the cold figure says so and is not measured.
 *
 * <pre>{@code
 * ReadProbe probe = new ReadProbe(System::nanoTime);
 * ReadProbe.Rate cold = probe.cold(files);
 * }</pre>
 */
final class ReadProbe {
  /** Bytes per read call: a multiple of any block size. */
  static final int CHUNK = 1 << 20;
  /** Readers in parallel, as the loader keeps several reads in flight. */
  static final int READERS = 8;

  /**
   * {@code com.sun.nio.file.ExtendedOpenOption.DIRECT}, looked up by name (module jdk.unsupported):
   * javac warns at every compile-time use of that API, and the build fails on a warning. Null when
   * this JDK has none.
   */
  static final OpenOption DIRECT = direct();

  private final LongSupplier nanoClock;

  /** A probe timing with {@code nanoClock} ({@code System::nanoTime}; a fake one in tests). */
  ReadProbe(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /**
   * One read measurement.
   *
   * @param measured whether it was measured; false with the reason in {@code method}
   * @param files files read
   * @param bytes bytes read
   * @param seconds time taken
   * @param method how it was measured, or why not
   */
  record Rate(boolean measured, int files, long bytes, double seconds, String method) {
    static Rate refused(String why) {
      return new Rate(false, 0, 0, 0, why);
    }

    /** Megabytes (10^6) per second; {@code Infinity} when not measured or no time passed. */
    double megabytesPerSecond() {
      return measured && seconds > 0 ? bytes / 1e6 / seconds : Double.POSITIVE_INFINITY;
    }

    /** Files per second; {@code Infinity} when not measured or no time passed. */
    double imagesPerSecond() {
      return measured && seconds > 0 ? files / seconds : Double.POSITIVE_INFINITY;
    }
  }

  /**
   * Reads {@code files} with {@code O_DIRECT}, {@value #READERS} readers in parallel; a refusal on
   * the first file is reported, not thrown.
   */
  Rate cold(List<Path> files) {
    if (files.isEmpty()) {
      return Rate.refused("no regular files in the sample to read");
    }
    if (DIRECT == null) {
      return Rate.refused("not measured: this JDK offers no O_DIRECT (com.sun.nio.file.ExtendedOpenOption.DIRECT)");
    }
    int block;
    String store;
    try {
      store = Files.getFileStore(files.get(0)).type();
      block = Math.toIntExact(Files.getFileStore(files.get(0)).getBlockSize());
      readDirect(files.get(0), buffer(block), block);   // the probe: does the file system take O_DIRECT?
    } catch (IOException | UnsupportedOperationException | ArithmeticException e) {
      return Rate.refused("not measured: the file system refused O_DIRECT (" + e.getClass().getSimpleName() + ": "
          + e.getMessage() + "); on tmpfs the files are in memory already, so the cached figure is the one "
          + "that counts");
    }
    List<Path> rest = files.subList(1, files.size());   // the first was read by the probe
    if (rest.isEmpty()) {
      return Rate.refused("not measured: one file in the sample, read by the O_DIRECT probe; give --sample 2 or "
          + "more");
    }
    ThreadLocal<ByteBuffer> buffers = ThreadLocal.withInitial(() -> buffer(block));
    long start = nanoClock.getAsLong();
    long bytes = inParallel(rest, file -> readDirect(file, buffers.get(), block));
    double seconds = (nanoClock.getAsLong() - start) / 1e9;
    return new Rate(true, rest.size(), bytes, seconds, String.format(Locale.ROOT, "O_DIRECT reads (page cache "
        + "bypassed) of %d sampled files, %d readers in parallel as the loader keeps reads in flight, %d KiB "
        + "block-aligned reads%s", rest.size(), READERS, CHUNK >> 10, store.equals("tmpfs") || store.equals("ramfs")
        ? "; the files are on " + store + ", in memory: cold is no slower than cached there" : ""));
  }

  private static OpenOption direct() {
    try {
      for (Object constant : Class.forName("com.sun.nio.file.ExtendedOpenOption").getEnumConstants()) {
        if (((Enum<?>) constant).name().equals("DIRECT")) {
          return (OpenOption) constant;
        }
      }
    } catch (ClassNotFoundException | RuntimeException e) {
      // no jdk.unsupported: the cold reads are not measured, and the reason says so
    }
    return null;
  }

  /** A direct buffer of {@value #CHUNK} bytes aligned to {@code block}. */
  private static ByteBuffer buffer(int block) {
    return ByteBuffer.allocateDirect(CHUNK + block).alignedSlice(block).limit(CHUNK).slice();
  }

  /** Reads one item (a file, a sample), returning its bytes. */
  private interface ItemRead<T> {
    long read(T item) throws IOException;
  }

  /**
   * Reads the samples {@code indices} of a packed or remote dataset through {@code source} (its
   * store and read cache), {@value #READERS} readers in parallel, timed: {@code pass} 1 is the
   * first read of them in this process (from storage, though a local pack's files may be in the
   * page cache), pass 2 the same again (from the source's read cache where it holds them).
   */
  Rate sourceReads(SampleSource source, int[] indices, int pass) {
    if (indices.length == 0) {
      return Rate.refused("no samples to read");
    }
    List<Integer> items = java.util.Arrays.stream(indices).boxed().toList();
    long start = nanoClock.getAsLong();
    long bytes = inParallel(items, index -> source.read(index).remaining());
    double seconds = (nanoClock.getAsLong() - start) / 1e9;
    return new Rate(true, items.size(), bytes, seconds, String.format(Locale.ROOT, "%s reads of %d sampled samples "
        + "through the dataset's store, %d readers in parallel%s", pass == 1 ? "the first" : "the second of two",
        items.size(), READERS, pass == 1 ? " (from storage; O_DIRECT applies to local files only)"
            : " (from the read cache where it holds them)"));
  }

  /** Reads {@code items} on {@value #READERS} threads, each its share in order; the total bytes. */
  private static <T> long inParallel(List<T> files, ItemRead<T> read) {
    AtomicLong bytes = new AtomicLong();
    AtomicInteger next = new AtomicInteger();
    try (ExecutorService readers = Executors.newFixedThreadPool(Math.min(READERS, files.size()))) {
      List<Future<?>> done = new ArrayList<>();
      for (int r = 0; r < Math.min(READERS, files.size()); r++) {
        done.add(readers.submit(() -> {
          for (int i = next.getAndIncrement(); i < files.size(); i = next.getAndIncrement()) {
            try {
              bytes.addAndGet(read.read(files.get(i)));
            } catch (IOException e) {
              throw new UncheckedIOException(files.get(i) + ": cannot be read: " + e.getMessage(), e);
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the sample", e);
    }
    return bytes.get();
  }

  /** Reads {@code files} normally once, untimed, then again, timed: the page cache's rate. */
  Rate cached(List<Path> files) {
    if (files.isEmpty()) {
      return Rate.refused("no regular files in the sample to read");
    }
    ThreadLocal<ByteBuffer> buffers = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(CHUNK));
    inParallel(files, file -> readNormally(file, buffers.get()));   // untimed: into the page cache
    long start = nanoClock.getAsLong();
    long bytes = inParallel(files, file -> readNormally(file, buffers.get()));
    double seconds = (nanoClock.getAsLong() - start) / 1e9;
    return new Rate(true, files.size(), bytes, seconds, String.format(Locale.ROOT, "ordinary reads of the %d "
        + "sampled files, the second of two passes (from the page cache), %d readers in parallel", files.size(),
        READERS));
  }

  private static long readDirect(Path file, ByteBuffer buffer, int block) throws IOException {
    long position = 0;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, DIRECT)) {
      while (true) {
        buffer.clear();
        int n = channel.read(buffer, position);
        if (n <= 0) {
          return position;
        }
        position += n;
        if (n < buffer.capacity() || n % block != 0) {   // the end (O_DIRECT reads at block-aligned offsets only)
          return position;
        }
      }
    }
  }

  private static long readNormally(Path file, ByteBuffer buffer) throws IOException {
    long total = 0;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      while (true) {
        buffer.clear();
        int n = channel.read(buffer);
        if (n < 0) {
          return total;
        }
        total += n;
      }
    }
  }
}
