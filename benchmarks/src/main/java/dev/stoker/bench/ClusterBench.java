package dev.stoker.bench;

import com.github.luben.zstd.Zstd;
import dev.stoker.api.Batch;
import dev.stoker.api.BatchConsumer;
import dev.stoker.api.RunSummary;
import dev.stoker.api.TransformSpec;
import dev.stoker.pipeline.Loader;
import dev.stoker.pipeline.LoaderBuilder;
import dev.stoker.pipeline.Presets;
import dev.stoker.pipeline.TransformSpecs;
import dev.stoker.remote.client.RemoteOptions;
import dev.stoker.remote.client.RemoteSource;
import dev.stoker.remote.wire.Compression;
import dev.stoker.remote.wire.WireOptions;
import dev.stoker.ring.BatchRings;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * One client against 1..N data-server nodes that already run (e.g. {@code stoker serve --workers 1}
 * on loopback): for each node count, a loader reads from the first K nodes, one untimed warm-up
 * epoch, then timed epochs, and prints one JSON line: images/s, bytes per image on the wire, and
 * CPU per image of the client (by thread group, from /proc/self/task: the Netty event loop, batch
 * assembly, the consumer, GC, JIT) and of the nodes (their processes' whole CPU, from their pids).
 * The consumer hashes each sample with CRC-32C, as {@code stoker bench} does.
 *
 * <pre>
 * java -cp 'benchmarks/target/benchmarks-*.jar:benchmarks/target/lib/*' dev.stoker.bench.ClusterBench \
 *   --nodes 127.0.0.1:7401:PID1,127.0.0.1:7402:PID2 --counts 1,2 --transforms 'CenterCrop(224)' --epochs 4
 * </pre>
 *
 * <p>Options: {@code --nodes HOST:PORT[:PID],...} (the pid lets the node's CPU be measured),
 * {@code --counts 1,2,...} (node counts to run, each the first K of --nodes; default 1..N),
 * {@code --transforms SPEC} or {@code --preset NAME} (default imagenet-train), {@code --size S},
 * {@code --batch B} (256), {@code --epochs E} (timed, 2), {@code --threads T} and
 * {@code --in-flight F} (the loader's, as {@code stoker bench}), {@code --chunk C} (positions per
 * chunk, the client's default otherwise), {@code --compression none|zstd} (what the client
 * offers), {@code --zstd-samples N} (compress N delivered samples with zstd after the runs and
 * report the ratio and the CPU per sample, 0 for none; default 128). scripts/cluster-scale.sh
 * starts the nodes and runs this.
 */
public final class ClusterBench {
  private static final int[] ZSTD_LEVELS = {1, 3};

  private ClusterBench() {}

  private record Node(InetSocketAddress address, long pid) { }

  /**
   * Runs the measurements.
   *
   * @param args the options above
   * @throws Exception if a node cannot be reached or a run fails
   */
  public static void main(String[] args) throws Exception {
    List<Node> nodes = new ArrayList<>();
    List<Integer> counts = new ArrayList<>();
    String transforms = null;
    String preset = "imagenet-train";
    int size = 224;
    int batch = 256;
    int epochs = 2;
    Integer threads = null;
    Integer inFlight = null;
    Integer chunk = null;
    Compression compression = Compression.NONE;
    int zstdSamples = 128;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : null;
      if (v == null) {
        usage("missing the value of " + a);
      }
      i++;
      switch (a) {
        case "--nodes" -> {
          for (String n : v.split(",")) {
            String[] p = n.trim().split(":");
            if (p.length < 2 || p.length > 3) {
              usage("--nodes: HOST:PORT[:PID], got " + n);
            }
            nodes.add(new Node(new InetSocketAddress(p[0], Integer.parseInt(p[1])),
                p.length == 3 ? Long.parseLong(p[2]) : -1));
          }
        }
        case "--counts" -> {
          for (String c : v.split(",")) {
            counts.add(Integer.parseInt(c.trim()));
          }
        }
        case "--transforms" -> transforms = v;
        case "--preset" -> preset = v;
        case "--size" -> size = Integer.parseInt(v);
        case "--batch" -> batch = Integer.parseInt(v);
        case "--epochs" -> epochs = Integer.parseInt(v);
        case "--threads" -> threads = Integer.parseInt(v);
        case "--in-flight" -> inFlight = Integer.parseInt(v);
        case "--chunk" -> chunk = Integer.parseInt(v);
        case "--compression" -> compression = Compression.valueOf(v.toUpperCase(Locale.ROOT));
        case "--zstd-samples" -> zstdSamples = Integer.parseInt(v);
        default -> usage("unknown option " + a);
      }
    }
    if (nodes.isEmpty()) {
      usage("--nodes is required");
    }
    if (counts.isEmpty()) {
      for (int k = 1; k <= nodes.size(); k++) {
        counts.add(k);
      }
    }
    for (int k : counts) {
      if (k < 1 || k > nodes.size()) {
        usage("--counts: each must be in [1, " + nodes.size() + "], got " + k);
      }
    }
    List<TransformSpec> specs = transforms != null ? TransformSpecs.parse(transforms) : Presets.byName(preset, size);
    RemoteOptions remote = RemoteOptions.defaults().withWire(WireOptions.defaults().withCompression(compression));
    if (chunk != null) {
      remote = remote.withChunkSize(chunk);
    }
    List<byte[]> kept = new ArrayList<>();
    for (int k : counts) {
      Settings s = new Settings(specs, batch, epochs, threads, inFlight, remote, k == counts.get(0) ? zstdSamples : 0);
      System.out.println(run(nodes.subList(0, k), nodes, s, kept));
      System.out.flush();
    }
    if (!kept.isEmpty()) {
      System.out.println(zstd(kept));
    }
  }

  private record Settings(List<TransformSpec> specs, int batch, int epochs, Integer threads, Integer inFlight,
      RemoteOptions remote, int keep) { }

  private static void usage(String problem) {
    System.err.println("ClusterBench: " + problem);
    System.err.println("usage: ClusterBench --nodes HOST:PORT[:PID],... [--counts 1,2,...] [--transforms SPEC | "
        + "--preset NAME] [--size S] [--batch B] [--epochs E] [--threads T] [--in-flight F] [--chunk C] "
        + "[--compression none|zstd] [--zstd-samples N]");
    System.exit(2);
  }

  /** One node count: warm-up, timed epochs, one JSON line. */
  private static String run(List<Node> used, List<Node> all, Settings s, List<byte[]> kept) {
    List<InetSocketAddress> addresses = used.stream().map(Node::address).toList();
    try (RemoteSource source = RemoteSource.connect(addresses, s.remote())) {
      LoaderBuilder builder = Loader.builder().supplier(source).transforms(s.specs()).batchSize(s.batch())
          .seed(0).ring(BatchRings.direct());
      if (s.threads() != null) {
        builder.threads(s.threads());
      }
      if (s.inFlight() != null) {
        builder.inFlight(s.inFlight());
      }
      try (Loader loader = builder.build()) {
        Hashing consumer = new Hashing(s.keep(), kept);
        loader.run(0, 1, consumer);   // warm-up: connections, JIT, pools
        consumer.keep = 0;
        String load = loadAverage();
        List<ThreadCpu> nodesBefore = all.stream().map(ClusterBench::nodeSnapshot).toList();
        ThreadCpu clientBefore = ThreadCpu.snapshot();
        long wireBefore = source.bytesReceived();
        RunSummary summary = loader.run(1, s.epochs(), consumer);
        ThreadCpu clientAfter = ThreadCpu.snapshot();
        long wire = source.bytesReceived() - wireBefore;
        List<ThreadCpu> nodesAfter = all.stream().map(ClusterBench::nodeSnapshot).toList();
        double images = Math.max(1, summary.delivered());
        double[] client = clientAfter.processMinus(clientBefore);
        double[] node = {0, 0};
        double idle = 0;
        boolean allPids = true;
        Map<String, double[]> nodeGroups = new LinkedHashMap<>();
        for (int i = 0; i < all.size(); i++) {
          double[] d = nodesAfter.get(i).processMinus(nodesBefore.get(i));
          if (i >= used.size()) {
            idle += Math.max(0, d[0]) + Math.max(0, d[1]);
            continue;
          }
          allPids &= d[0] >= 0;
          node[0] += Math.max(0, d[0]);
          node[1] += Math.max(0, d[1]);
          nodesAfter.get(i).minus(nodesBefore.get(i)).forEach((g, v) -> {
            double[] sum = nodeGroups.computeIfAbsent(g, k -> new double[2]);
            sum[0] += v[0];
            sum[1] += v[1];
          });
        }
        double perImage = 1e6 / images;   // seconds -> microseconds per image
        StringBuilder json = new StringBuilder();
        json.append('{').append(field("nodes", used.size())).append(',')
            .append(field("images", summary.delivered())).append(',')
            .append(field("failed", summary.failed())).append(',')
            .append(field("seconds", round(summary.seconds(), 3))).append(',')
            .append(field("images_per_s", round(summary.imagesPerSecond(), 1))).append(',')
            .append(field("wire_bytes_per_image", Math.round(wire / images))).append(',')
            .append(field("client_cpu_us_per_image", round((client[0] + client[1]) * perImage, 1))).append(',')
            .append(field("client_user_sys_us_per_image", pair(client, perImage))).append(',')
            .append(field("client_cpu_share_of_wall", round((client[0] + client[1]) / summary.seconds(), 2))).append(',')
            .append(field("node_cpu_us_per_image", allPids ? round((node[0] + node[1]) * perImage, 1) : null)).append(',')
            .append(field("node_user_sys_us_per_image", allPids ? pair(node, perImage) : null)).append(',')
            .append(field("node_cpu_share_of_wall", allPids ? round((node[0] + node[1]) / summary.seconds(), 2) : null))
            .append(',')
            .append(field("idle_nodes_cpu_s", round(idle, 2))).append(',')
            .append(field("consumer_wait_pct", round(summary.consumerWaitPercent(), 1))).append(',')
            .append(field("load_average", load)).append(',')
            .append("\"client_threads_user_sys_us_per_image\":").append(groups(clientAfter.minus(clientBefore), perImage))
            .append(",\"node_threads_user_sys_us_per_image\":").append(groups(nodeGroups, perImage));
        json.append('}');
        return json.toString();
      }
    }
  }

  private static ThreadCpu nodeSnapshot(Node n) {
    return ThreadCpu.snapshot(n.pid() < 0 ? "-1" : Long.toString(n.pid()));
  }

  /** {user, sys} seconds as microseconds per image: a JSON array. */
  private static Object pair(double[] seconds, double perImage) {
    return new Raw("[" + round(seconds[0] * perImage, 1) + "," + round(seconds[1] * perImage, 1) + "]");
  }

  /** Thread groups with CPU, as a JSON object of [user, sys] microseconds per image. */
  private static String groups(Map<String, double[]> groups, double perImage) {
    StringBuilder json = new StringBuilder("{");
    for (Map.Entry<String, double[]> g : groups.entrySet()) {
      if (g.getValue()[0] + g.getValue()[1] <= 0) {
        continue;
      }
      json.append(json.length() > 1 ? "," : "").append(field(g.getKey(), pair(g.getValue(), perImage)));
    }
    return json.append('}').toString();
  }

  /** A value written into the JSON as it is. */
  private record Raw(String json) {
    @Override
    public String toString() {
      return json;
    }
  }

  /** Hashes each sample as stoker bench does; keeps copies of the first samples for the zstd figures. */
  private static final class Hashing implements BatchConsumer {
    private final CRC32C crc = new CRC32C();
    private final List<byte[]> kept;
    int keep;
    long sink;

    Hashing(int keep, List<byte[]> kept) {
      this.keep = keep;
      this.kept = kept;
    }

    @Override
    public void accept(Batch batch) {
      ByteBuffer pixels = batch.pixels().asByteBuffer();
      int sampleBytes = Math.toIntExact(batch.layout().sampleBytes());
      for (int i = 0; i < batch.size(); i++) {
        crc.reset();
        crc.update(pixels.limit((i + 1) * sampleBytes).position(i * sampleBytes));
        sink += crc.getValue();
        if (kept.size() < keep) {
          kept.add(batch.pixels().asSlice((long) i * sampleBytes, sampleBytes).toArray(ValueLayout.JAVA_BYTE));
        }
      }
    }
  }

  /** zstd on decoded samples, one thread: ratio, compress and decompress CPU per sample, by level. */
  private static String zstd(List<byte[]> samples) {
    ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    long raw = samples.stream().mapToLong(b -> b.length).sum();
    StringBuilder json = new StringBuilder("{\"zstd_samples\":" + samples.size() + ",\"raw_bytes_per_sample\":"
        + raw / samples.size());
    for (int level : ZSTD_LEVELS) {
      for (byte[] b : samples) {
        Zstd.compress(b, level);   // warm-up
      }
      long cpu = bean.getCurrentThreadCpuTime();
      long compressed = 0;
      List<byte[]> frames = new ArrayList<>();
      for (int pass = 0; pass < 3; pass++) {
        for (byte[] b : samples) {
          byte[] f = Zstd.compress(b, level);
          if (pass == 0) {
            compressed += f.length;
            frames.add(f);
          }
        }
      }
      double compressUs = (bean.getCurrentThreadCpuTime() - cpu) / 1e3 / (3.0 * samples.size());
      cpu = bean.getCurrentThreadCpuTime();
      for (int pass = 0; pass < 3; pass++) {
        for (int i = 0; i < frames.size(); i++) {
          byte[] back = Zstd.decompress(frames.get(i), samples.get(i).length);
          if (pass == 0 && back.length != samples.get(i).length) {
            throw new IllegalStateException("zstd round trip changed the length");
          }
        }
      }
      double decompressUs = (bean.getCurrentThreadCpuTime() - cpu) / 1e3 / (3.0 * samples.size());
      json.append(",\"level").append(level).append("\":{")
          .append(field("bytes_per_sample", compressed / samples.size())).append(',')
          .append(field("ratio", round((double) raw / compressed, 3))).append(',')
          .append(field("compress_cpu_us", round(compressUs, 1))).append(',')
          .append(field("decompress_cpu_us", round(decompressUs, 1))).append('}');
    }
    return json.append('}').toString();
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (Exception e) {
      return null;
    }
  }

  private static String field(String name, Object value) {
    String v = value == null ? "null" : value instanceof String str ? "\"" + str.replace("\"", "'") + "\"" : value.toString();
    return "\"" + name + "\":" + v;
  }

  private static double round(double v, int places) {
    double f = Math.pow(10, places);
    return Math.round(v * f) / f;
  }
}
