package dev.stoker.bench;

import dev.stoker.api.SampleSource;
import dev.stoker.dataset.DatasetProvider;
import dev.stoker.dataset.Datasets;
import dev.stoker.dataset.SourceOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Opens a dataset location (what {@code stoker list} opens: a directory, a manifest, a pack's
 * directory or an {@code s3://} or {@code http(s)://} location) and reads every sample's encoded
 * bytes once, on {@code THREADS} threads, with no decoding: the cost of listing, opening and
 * reading files against that of reading one pack. Prints one JSON line: the samples, the bytes,
 * the seconds to open (list) the dataset and to read every sample, and the rates.
 *
 * <p>Locations go first to the {@link DatasetProvider}s on the class path (loader-pack's, for
 * packs and remote locations), then to {@link Datasets#open(Path)}. Each thread takes the next
 * run of {@value #RUN} samples in index order, so a pack is read shard by shard; each keeps one
 * read buffer ({@link SampleSource#read(int, ByteBuffer)}). A sample that fails to read counts
 * as failed and the pass goes on.
 *
 * <pre>
 * java -cp 'benchmarks/target/benchmarks-*.jar:benchmarks/target/lib/*' dev.stoker.bench.ReadAllBench /data/train 2 /data/tiny
 * </pre>
 *
 * <p>scripts/small-files-vs-pack.sh runs it over many small files and over one pack of them.
 */
public final class ReadAllBench {
  private static final int RUN = 256;

  private ReadAllBench() {}

  /**
   * Runs one measurement.
   *
   * @param args the location, the number of threads (default 1), a warm-up location (optional)
   * @throws Exception if the location cannot be opened
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 3) {
      System.err.println("usage: ReadAllBench LOCATION [THREADS [WARMUP_LOCATION]]");
      System.exit(2);
    }
    String location = args[0];
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    if (threads < 1 || threads > 256) {
      throw new IllegalArgumentException("THREADS must be 1..256, got " + threads);
    }
    if (args.length > 2) {
      Opened warmUp = open(args[2]);
      for (int pass = 0; pass < 3; pass++) {
        readAll(warmUp.source(), threads);
      }
      if (warmUp.source() instanceof AutoCloseable closeable) {
        closeable.close();
      }
    }
    long t0 = System.nanoTime();
    Opened opened = open(location);
    SampleSource source = opened.source();
    int n = source.size();
    long t1 = System.nanoTime();
    Totals totals = readAll(source, threads);
    long t2 = System.nanoTime();
    if (source instanceof AutoCloseable closeable) {
      closeable.close();
    }
    for (String error : totals.firstErrors()) {
      System.err.println("ReadAllBench: read failed: " + error);
    }
    double openS = (t1 - t0) / 1e9;
    double readS = (t2 - t1) / 1e9;
    System.out.println(String.format(Locale.ROOT,
        "{\"location\": \"%s\", \"opened_by\": \"%s\", \"samples\": %d, \"failed\": %d, \"bytes\": %d, "
            + "\"threads\": %d, \"open_s\": %.3f, \"read_s\": %.3f, \"total_s\": %.3f, \"files_per_s\": %.1f, "
            + "\"mib_per_s\": %.1f}",
        json(location), json(opened.by()), n, totals.failed(), totals.bytes(), threads, openS, readS, openS + readS,
        n / Math.max(readS, 1e-9), totals.bytes() / 1048576.0 / Math.max(readS, 1e-9)));
  }

  private record Totals(long bytes, long failed, List<String> firstErrors) {}

  /** Reads every sample of {@code source} once on {@code threads} threads, runs of {@value #RUN} in index order. */
  private static Totals readAll(SampleSource source, int threads) throws InterruptedException {
    int n = source.size();
    AtomicInteger next = new AtomicInteger();
    AtomicLong bytes = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    List<String> firstErrors = new ArrayList<>();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      workers.add(Thread.ofPlatform().name("read-" + t).start(() -> {
        ByteBuffer reuse = null;
        long mine = 0;
        for (int start = next.getAndAdd(RUN); start < n; start = next.getAndAdd(RUN)) {
          for (int i = start; i < Math.min(n, start + RUN); i++) {
            try {
              reuse = source.read(i, reuse);
              mine += reuse.remaining();
            } catch (IOException | RuntimeException e) {
              if (failed.incrementAndGet() <= 3) {
                synchronized (firstErrors) {
                  firstErrors.add(e.getMessage());
                }
              }
            }
          }
        }
        bytes.addAndGet(mine);
      }));
    }
    for (Thread worker : workers) {
      worker.join();
    }
    return new Totals(bytes.get(), failed.get(), firstErrors);
  }

  private record Opened(SampleSource source, String by) {}

  private static Opened open(String location) {
    for (DatasetProvider provider : ServiceLoader.load(DatasetProvider.class)) {
      if (provider.recognizes(location)) {
        return new Opened(provider.open(location, SourceOptions.DEFAULT), provider.name());
      }
    }
    if (location.contains("://")) {
      throw new IllegalArgumentException("no dataset provider on the class path recognises " + location
          + " (is loader-pack built with its provider?)");
    }
    Path path = Path.of(location);
    return new Opened(Datasets.open(path), Datasets.detect(path).name().toLowerCase(Locale.ROOT));
  }

  private static String json(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
