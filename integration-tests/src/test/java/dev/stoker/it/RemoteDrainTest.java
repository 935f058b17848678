package dev.stoker.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.RunSummary;
import dev.stoker.dataset.ImageFolderSource;
import dev.stoker.pipeline.Loader;
import dev.stoker.pipeline.LoaderBuilder;
import dev.stoker.pipeline.Presets;
import dev.stoker.pipeline.ProcessedSample;
import dev.stoker.pipeline.SampleResult;
import dev.stoker.pipeline.SupplyPlan;
import dev.stoker.remote.client.RemoteOptions;
import dev.stoker.remote.client.RemoteSource;
import dev.stoker.remote.node.DataNode;
import dev.stoker.remote.node.DataNodeConfig;
import dev.stoker.testkit.BatchDigests;
import dev.stoker.testkit.GradientImageFolder;
import dev.stoker.testkit.SmallLoaders;
import java.awt.Color;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;

/**
 * {@code stoker serve} in a child JVM gets SIGTERM ({@link Process#destroy()}) in the middle of an
 * epoch that a loader reads from it and from a second node: the node turns {@code /readyz} to 503,
 * tells its clients it is leaving, finishes what it holds and exits 0 within its grace period; the
 * loader's batches are byte for byte those of local decoding. Beside it, the negative controls: a
 * child JVM without the handler exits 143 on the same signal, and another seed's batches differ.
 */
@Timeout(180)
class RemoteDrainTest {
  private static final int IMAGES = 61;
  private static final Pattern SERVING = Pattern.compile("serving .+ on ([0-9.]+):(\\d+)");
  private static final Pattern PROBES = Pattern.compile("serve: probes on (http://127\\.0\\.0\\.1:\\d+)/healthz");
  private static final long GRACE_SECONDS = 60;

  @TempDir
  static Path root;
  @TempDir
  Path tmp;

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<Process> children = new ArrayList<>();

  @BeforeAll
  static void makeImages() {
    GradientImageFolder.of(IMAGES).classes(4).size(80, 60, 3, 2).gradient(4, 40, 200, Color.PINK).writeTo(root);
  }

  @AfterEach
  void killChildren() throws InterruptedException {
    for (Process child : children) {
      child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static LoaderBuilder settings(long seed) {
    return SmallLoaders.train(40, 5, seed);
  }

  private static List<String> local(long seed, int epochs) {
    try (Loader loader = settings(seed).source(ImageFolderSource.open(root)).build()) {
      return BatchDigests.run(loader, 0, epochs).digests();
    }
  }

  /** A child JVM on this test's class path running {@code mainClass args}, output to {@code log}. */
  private Process java(Path log, String mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.addAll(List.of("-cp", System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path")), mainClass));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    children.add(process);
    return process;
  }

  /** Waits until {@code log} matches {@code pattern}; the match. */
  private static Matcher await(Process process, Path log, Pattern pattern) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    Matcher m = pattern.matcher("");
    while (!m.reset(Files.readString(log)).find()) {
      assertThat(process.isAlive()).as(Files.readString(log)).isTrue();
      assertThat(System.nanoTime()).as(Files.readString(log)).isLessThan(deadline);
      Thread.sleep(20);
    }
    return m;
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static DataNode inProcessNode() {
    DataNodeConfig loopback = DataNodeConfig.loopback(ImageFolderSource.open(root));
    return DataNode.start(new DataNodeConfig(loopback.source(), loopback.bind(), 0, null, null, null, 1,
        loopback.maxFrameBytes()));
  }

  private static RemoteOptions options() {
    return RemoteOptions.defaults().withChunkSize(4).withTimings(Duration.ofSeconds(20), Duration.ofMillis(200));
  }

  /** Asks for samples one request at a time; counts and releases them. */
  private static final class Stalled extends BaseSubscriber<SampleResult> {
    final AtomicInteger received = new AtomicInteger();
    volatile boolean completed;

    @Override
    protected void hookOnSubscribe(Subscription subscription) {
      request(1);
    }

    @Override
    protected void hookOnNext(SampleResult sample) {
      if (sample instanceof ProcessedSample ok) {
        ok.release();
      }
      received.incrementAndGet();
    }

    @Override
    protected void hookOnComplete() {
      completed = true;
    }
  }

  private static void awaitTrue(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  @Test
  void sigterm_nodeProcessMidEpoch_sameBatchesAsLocalAndTheNodeExitsZeroWithinTheGrace() throws Exception {
    List<String> expected = local(21, 2);
    Path log = tmp.resolve("node.txt");
    Process node = java(log, "dev.stoker.cli.StokerCli", "serve", "--data", root.toString(), "--port", "0",
        "--workers", "1", "--admin-port", "0", "--drain-grace", GRACE_SECONDS + "s");
    Matcher serving = await(node, log, SERVING);
    InetSocketAddress nodeAddress = new InetSocketAddress(serving.group(1), Integer.parseInt(serving.group(2)));
    String admin = await(node, log, PROBES).group(1);

    assertThat(get(admin + "/healthz").statusCode()).isEqualTo(200);
    assertThat(get(admin + "/readyz").statusCode()).isEqualTo(200);
    assertThat(get(admin + "/metrics").body()).contains("stoker_node_connections_total");

    List<String> remote = new ArrayList<>();
    List<Integer> readyWhileDraining = new ArrayList<>();
    List<Integer> healthWhileDraining = new ArrayList<>();
    Stalled stalled = new Stalled();
    try (DataNode other = inProcessNode();
        // a second client of the child node only, holding one chunk it grants a single credit: the drain
        // cannot end before it asks for the rest, so /readyz is seen while draining
        RemoteSource holder = RemoteSource.connect(List.of(nodeAddress), options());
        RemoteSource source = RemoteSource.connect(List.of(nodeAddress, other.address()), options());
        Loader loader = settings(21).supplier(source).build()) {
      holder.configure(new SupplyPlan(Presets.imagenetTrain(24), 5));
      holder.samples(0, new int[] {3, 1, 4, 1}, 0).subscribe(stalled);
      awaitTrue("the holder's first sample", () -> stalled.received.get() == 1);

      RunSummary summary = loader.run(2, batch -> {
        remote.add(BatchDigests.of(batch));
        if (remote.size() == 4) {   // mid-epoch 0
          try {
            node.destroy();   // SIGTERM
            awaitTrue("/readyz 503 while draining", () -> status(admin + "/readyz") == 503);
            readyWhileDraining.add(status(admin + "/readyz"));
            healthWhileDraining.add(status(admin + "/healthz"));
            stalled.request(3);   // the holder's chunk can finish now
          } catch (InterruptedException e) {
            throw new AssertionError(e);
          }
        }
      });

      assertThat(summary.delivered()).isEqualTo(2L * IMAGES);
      assertThat(summary.failed()).isZero();
      awaitTrue("the holder's chunk finished on the leaving node", () -> stalled.completed);
      assertThat(stalled.received.get()).isEqualTo(4);
    }
    boolean exited = node.waitFor(GRACE_SECONDS, TimeUnit.SECONDS);
    String output = Files.readString(log);

    assertThat(remote).as("the same batches as local decoding, in order").isEqualTo(expected);
    assertThat(remote).as("negative control: another seed's batches differ").isNotEqualTo(local(22, 2));
    assertThat(readyWhileDraining).containsExactly(503);
    assertThat(healthWhileDraining).containsExactly(200);
    assertThat(exited).as("exits within the grace: " + output).isTrue();
    assertThat(node.exitValue()).as(output).isZero();
    assertThat(output).contains("serve: SIGTERM: draining within " + GRACE_SECONDS * 1000 + " ms")
        .contains("drained: every connection finished its chunks")
        .doesNotContain("grace of");
  }

  /** The status of GET {@code url}, or -1 if nothing answers. */
  private int status(String url) {
    try {
      return get(url).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  void sigterm_jvmWithoutTheHandler_exits143() throws Exception { // negative control for the exit status
    Path log = tmp.resolve("sleeper.txt");
    Process sleeper = java(log, Sleeper.class.getName());
    await(sleeper, log, Pattern.compile("sleeping"));
    sleeper.destroy();
    assertThat(sleeper.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(sleeper.exitValue()).isEqualTo(143);
  }

  /** A JVM that waits to be killed, with no signal handler of its own. */
  static final class Sleeper {
    public static void main(String[] args) throws InterruptedException {
      System.out.println("sleeping");
      System.out.flush();
      Thread.sleep(TimeUnit.MINUTES.toMillis(5));
    }
  }
}
