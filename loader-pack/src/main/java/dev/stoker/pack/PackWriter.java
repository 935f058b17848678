package dev.stoker.pack;

import dev.stoker.api.LoaderException;
import dev.stoker.api.SampleSource;
import dev.stoker.decode.ImageDecoders;
import dev.stoker.image.ImageShrinker;
import dev.stoker.image.JpegEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Writes a pack: the samples of a source, in source order, through {@link SampleEncoder} on
 * {@code workers} threads (at most {@code 2 * workers} samples in flight, so memory stays bounded
 * by a few images per thread), into shards in order by this thread alone, so the bytes do not
 * depend on the thread count. A shard ends before the sample that would take it past the shard
 * size: its boundaries follow from the source and the options only, so a resumed pack equals one
 * written in one go. See {@link PackProgressFiles} for what makes it resumable.
 */
final class PackWriter {
  private static final Pattern OWN_FILE = Pattern.compile(
      "shard-[0-9]{6,9}\\.(tar|tar\\.partial|done\\.json|done\\.json\\.tmp)|stoker-pack\\.state\\.json(\\.tmp)?"
          + "|index\\.bin\\.tmp|stoker-pack\\.json\\.tmp");

  private final SampleSource source;
  private final Path dir;
  private final PackOptions options;
  private final Consumer<PackProgress> progress;
  private final JpegEncoder encoder;
  private final SampleEncoder samples;
  private final boolean raw;

  // what has been written, kept shards included
  private final List<PackProgressFiles.ShardRecord> shards = new ArrayList<>();
  private final List<PackDescriptor.Failure> failures = new ArrayList<>();
  private int failed;
  private long bytesIn;
  private long bytesOut;
  private int packed;

  // the shard being written
  private ShardWriter current;
  private int currentStart;
  private int currentFailed;
  private long currentBytesIn;
  private final List<PackDescriptor.Failure> currentFailures = new ArrayList<>();
  private final List<PackProgressFiles.Entry> currentEntries = new ArrayList<>();

  PackWriter(SampleSource source, Path dir, PackOptions options, Consumer<PackProgress> progress,
      JpegEncoder encoder) {
    this.source = source;
    this.dir = dir;
    this.options = options;
    this.progress = progress;
    this.raw = options.format().equals(PackDescriptor.RAW);
    this.encoder = encoder;
    this.samples = new SampleEncoder(source, new ImageShrinker(ImageDecoders.best(),
        options.maxSide() == 0 ? Integer.MAX_VALUE : options.maxSide()), encoder, options);
  }

  PackReport write() throws IOException {
    long started = System.nanoTime();
    Map<String, String> identity = PackProgressFiles.identity(source.description(), source.size(),
        sourceDigest(source), options, raw ? "none" : encoder.name(), ImageDecoders.best().name());
    prepare(identity);
    int kept = keepFinishedShards();
    int next = shards.isEmpty() ? 0 : shards.getLast().sourceEnd();
    currentStart = next;
    int handled = 0;
    ExecutorService pool = Executors.newFixedThreadPool(options.workers(), daemonThreads());
    boolean completed = false;
    try {
      ArrayDeque<Future<SampleEncoder.Encoded>> window = new ArrayDeque<>();
      int submitted = next;
      while (next < source.size()) {
        while (submitted < source.size() && window.size() < 2 * options.workers()) {
          int index = submitted++;
          window.add(pool.submit(() -> samples.encode(index)));
        }
        SampleEncoder.Encoded e = take(window.poll());
        accept(e);
        next++;
        handled++;
        progress.accept(new PackProgress(next, source.size(), packed, failed, shards.size(), bytesIn,
            bytesOut + (current == null ? 0 : current.position()), seconds(started)));
      }
      completed = true;
    } finally {
      pool.shutdownNow();
      if (current != null && !completed) {
        current.close(); // interrupted: the .partial stays, and a rerun deletes it
      }
    }
    if (current != null) {
      finishShard(source.size());
    }
    // failures after the last shard (or of a source with nothing packable) belong to no shard
    failed += currentFailed;
    addFailures(failures, currentFailures);
    PackDescriptor descriptor = finish();
    return new PackReport(packed, failed, descriptor.failures(), shards.size(), kept, bytesIn, bytesOut, handled,
        seconds(started), raw ? "none" : encoder.name());
  }

  private static double seconds(long started) {
    return (System.nanoTime() - started) / 1e9;
  }

  private static SampleEncoder.Encoded take(Future<SampleEncoder.Encoded> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LoaderException("pack interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new LoaderException("a pack worker failed: " + e.getCause(), e.getCause());
    }
  }

  private static java.util.concurrent.ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> Thread.ofPlatform().daemon().name("stoker-pack-" + n.getAndIncrement()).unstarted(r);
  }

  /** Creates the directory, or checks that it holds nothing but a pack in progress of the same identity. */
  private void prepare(Map<String, String> identity) throws IOException {
    Files.createDirectories(dir);
    if (Files.exists(dir.resolve(PackDescriptor.FILE_NAME))) {
      throw new LoaderException(dir + ": already holds a finished pack (" + PackDescriptor.FILE_NAME
          + "); delete it or pack into another directory");
    }
    if (Files.exists(dir.resolve(PackProgressFiles.STATE_NAME))) {
      String differs = PackProgressFiles.stateDiffers(dir, identity);
      if (differs != null) {
        throw new LoaderException(dir + ": holds a pack in progress of another source or options, not resumed: "
            + differs + "; delete the directory or pack into another one");
      }
      return;
    }
    try (var files = Files.list(dir)) {
      Path stranger = files.filter(p -> !OWN_FILE.matcher(p.getFileName().toString()).matches()).findFirst()
          .orElse(null);
      if (stranger != null) {
        throw new LoaderException(dir + ": is not empty (it holds " + stranger.getFileName()
            + "); stoker pack writes into a new or empty directory, or resumes its own pack there");
      }
    }
    PackProgressFiles.writeState(dir, identity);
  }

  /**
   * Keeps the finished shards of an earlier run, in order, while each has its sidecar and the
   * SHA-256 its sidecar records; deletes everything from the first one that does not (a corrupt
   * shard is written again, and all after it), and every partial shard.
   *
   * @return the number of shards kept
   */
  private int keepFinishedShards() throws IOException {
    int sourceStart = 0;
    int key = 0;
    for (int k = 0; ; k++) {
      PackProgressFiles.ShardRecord r = PackProgressFiles.readSidecar(dir, k, sourceStart, key, source.size());
      Path shard = dir.resolve(PackDescriptor.shardName(k));
      if (r == null || !Files.isRegularFile(shard) || Files.size(shard) != r.bytes() || !r.sha256().equals(sha256(shard))) {
        break;
      }
      shards.add(r);
      failed += r.failed();
      addFailures(failures, r.failures());
      bytesIn += r.bytesIn();
      bytesOut += r.bytes();
      packed += r.samples();
      sourceStart = r.sourceEnd();
      key += r.samples();
    }
    int keep = shards.size();
    try (var files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String name = p.getFileName().toString();
        if (name.endsWith(PackProgressFiles.PARTIAL_SUFFIX) || name.endsWith(".tmp")
            || (name.startsWith("shard-") && shardNumber(name) >= keep)) {
          Files.deleteIfExists(p);
        }
      }
    }
    return keep;
  }

  private static int shardNumber(String name) {
    int dash = name.indexOf('-');
    int dot = name.indexOf('.');
    try {
      return Integer.parseInt(name.substring(dash + 1, dot));
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private void accept(SampleEncoder.Encoded e) throws IOException {
    if (e.failed()) {
      currentFailed++;
      if (currentFailures.size() < PackDescriptor.MAX_LISTED_FAILURES) {
        currentFailures.add(new PackDescriptor.Failure(source.sourceName(e.sourceIndex()), e.failure()));
      }
      return;
    }
    long cost = ShardWriter.cost(e.image().length) + ShardWriter.cost(e.json().length)
        + (e.cls() == null ? 0 : ShardWriter.cost(e.cls().length));
    if (current != null && current.members() > 0 && current.position() + cost > options.shardSize()) {
      finishShard(e.sourceIndex());
    }
    if (current == null) {
      current = new ShardWriter(partial(shards.size()));
    }
    String key = PackDescriptor.key(packed);
    String ext = raw ? "rgb8" : "jpg";
    long offset = current.add(key + "." + ext, e.image());
    if (e.cls() != null) {
      current.add(key + ".cls", e.cls());
    }
    current.add(key + ".json", e.json());
    currentEntries.add(new PackProgressFiles.Entry(offset, e.image().length, e.labels(), e.boxes(), e.boxLabels()));
    currentBytesIn += e.bytesIn();
    bytesIn += e.bytesIn();
    packed++;
  }

  private Path partial(int shard) {
    return dir.resolve(PackDescriptor.shardName(shard) + PackProgressFiles.PARTIAL_SUFFIX);
  }

  /** Closes the current shard, renames it into place and writes its sidecar. */
  private void finishShard(int sourceEnd) throws IOException {
    int k = shards.size();
    ShardWriter.Finished f = current.finish();
    Files.move(current.file(), dir.resolve(PackDescriptor.shardName(k)), StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
    int firstKey = shards.isEmpty() ? 0 : shards.getLast().firstKey() + shards.getLast().samples();
    PackProgressFiles.ShardRecord r = new PackProgressFiles.ShardRecord(k, currentStart, sourceEnd, firstKey,
        f.bytes(), f.sha256(), currentBytesIn, currentFailed, List.copyOf(currentFailures),
        List.copyOf(currentEntries));
    PackProgressFiles.writeSidecar(dir, r);
    shards.add(r);
    failed += currentFailed;
    addFailures(failures, currentFailures);
    bytesOut += f.bytes();
    current = null;
    currentStart = sourceEnd;
    currentFailed = 0;
    currentBytesIn = 0;
    currentFailures.clear();
    currentEntries.clear();
  }

  private static void addFailures(List<PackDescriptor.Failure> into, List<PackDescriptor.Failure> more) {
    for (PackDescriptor.Failure f : more) {
      if (into.size() >= PackDescriptor.MAX_LISTED_FAILURES) {
        return;
      }
      into.add(f);
    }
  }

  /** Writes index.bin and stoker-pack.json, then removes the state file and the sidecars. */
  private PackDescriptor finish() throws IOException {
    PackIndex.Builder index = new PackIndex.Builder();
    List<PackDescriptor.Shard> list = new ArrayList<>();
    int maxBoxes = 0;
    int maxLabels = 1;
    for (PackProgressFiles.ShardRecord r : shards) {
      list.add(new PackDescriptor.Shard(PackDescriptor.shardName(r.shard()), r.samples(), r.bytes(), r.sha256()));
      for (PackProgressFiles.Entry e : r.entries()) {
        index.add(r.shard(), e.offset(), e.length(), e.labels(), e.boxes(), e.boxLabels());
        maxBoxes = Math.max(maxBoxes, e.boxLabels().length);
        maxLabels = Math.max(maxLabels, e.labels().length);
      }
    }
    PackDescriptor d = new PackDescriptor(PackDescriptor.VERSION, options.format(), options.maxSide(),
        options.descriptorQuality(), source.classes(), source.hasBoxes(), source.hasBoxes() ? maxBoxes : 0, maxLabels,
        packed, list, failed, failures, source.description(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
        stokerVersion());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    index.build().write(bytes);
    PackProgressFiles.atomicWrite(dir.resolve(PackDescriptor.INDEX_NAME), bytes.toByteArray());
    PackProgressFiles.atomicWrite(dir.resolve(PackDescriptor.FILE_NAME), DescriptorJson.write(d));
    for (PackProgressFiles.ShardRecord r : shards) {
      Files.deleteIfExists(PackProgressFiles.sidecar(dir, r.shard()));
    }
    Files.deleteIfExists(dir.resolve(PackProgressFiles.STATE_NAME));
    return d;
  }

  /** SHA-256 over every sample's name and label, in order: what identifies the source of a pack in progress. */
  static String sourceDigest(SampleSource source) {
    MessageDigest md = sha256();
    for (int i = 0; i < source.size(); i++) {
      md.update((source.sourceName(i) + "\n" + source.label(i) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return HexFormat.of().formatHex(md.digest());
  }

  static String sha256(Path file) throws IOException {
    MessageDigest md = sha256();
    byte[] buffer = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        md.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JVM", e);
    }
  }

  /** The loader-pack jar's version (Maven's pom.properties), or "unknown" when run from classes. */
  static String stokerVersion() {
    try (InputStream in = PackWriter.class.getResourceAsStream("/META-INF/maven/dev.stoker/loader-pack/pom.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
