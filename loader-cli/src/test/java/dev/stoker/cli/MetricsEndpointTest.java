package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --metrics-port}: a scraper reads the loader's stage timers from {@code bench} while it runs,
 * and a node's counters from {@code serve}.
 */
class MetricsEndpointTest {
  private static final Pattern SERVING = Pattern.compile("serving .+ on ([0-9.]+):(\\d+)");
  private static final long WAIT_NANOS = 60_000_000_000L;

  @RegisterExtension
  static final CliDataset dataset = CliDataset.demo(2);   // 6 classes x 2 images

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  private final HttpClient http = HttpClient.newHttpClient();

  /** The port {@code command} printed in {@code <command>: metrics on http://127.0.0.1:P/metrics}. */
  private int metricsPort(String command, Thread running) throws InterruptedException {
    Matcher m = Pattern.compile(command + ": metrics on http://127\\.0\\.0\\.1:(\\d+)/metrics").matcher("");
    long deadline = System.nanoTime() + WAIT_NANOS;
    while (!m.reset(console.err()).find()) {
      assertThat(running.isAlive()).as("still running; err: " + console.err()).isTrue();
      assertThat(System.nanoTime()).as("the metrics line; err: " + console.err()).isLessThan(deadline);
      Thread.sleep(10);
    }
    return Integer.parseInt(m.group(1));
  }

  private String scrape(int port) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    return response.body();
  }

  /** The value of the first sample of {@code metric} whose labels contain {@code label}, or -1. */
  private static double value(String text, String metric, String label) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(metric) + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(text);
    while (m.find()) {
      if (label.isEmpty() || (m.group(1) != null && m.group(1).contains(label))) {
        return Double.parseDouble(m.group(2));
      }
    }
    return -1;
  }

  @Test
  void bench_metricsPort_servesTheStageTimersWhileItRuns(@TempDir Path tmp) throws Exception {
    // The run writes its index trace into a FIFO this test reads only after scraping: once the pipe
    // is full the run waits, so the scrape happens during the run, never after it.
    Path fifo = tmp.resolve("trace");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    AtomicInteger status = new AtomicInteger(-1);
    Thread bench = new Thread(() -> status.set(StokerCli.run("bench", dataset.dir().toString(), "--threads", "1",
        "--batch", "1", "--size", "16", "--epochs", "150", "--metrics-port", "0", "--trace-indices", fifo.toString())),
        "bench-under-test");
    bench.start();
    int port = metricsPort("bench", bench);
    String text;
    long lines;
    try (InputStream trace = Files.newInputStream(fifo)) {
      long deadline = System.nanoTime() + WAIT_NANOS;
      do {   // a whole warm-up epoch (12 batches of 1): every stage has timed something
        assertThat(System.nanoTime()).as("an epoch's batches within the wait").isLessThan(deadline);
        Thread.sleep(20);
        text = scrape(port);
      } while (value(text, "stoker_batches_delivered_total", "") < 12);
      text = scrape(port);   // a scrape reads meter after meter: this one started after the 12th batch's timings
      assertThat(bench.isAlive()).as("the run waits on the trace").isTrue();
      lines = trace.transferTo(OutputStream.nullOutputStream());
    }
    bench.join(WAIT_NANOS / 1_000_000);
    assertThat(status.get()).as(console.err()).isZero();
    assertThat(lines).as("the trace was read to its end").isPositive();
    assertThat(value(text, "stoker_stage_seconds_count", "stage=\"list\"")).isEqualTo(1);
    for (String stage : new String[] {"read", "decode", "augment", "collate", "consumer"}) {
      assertThat(value(text, "stoker_stage_seconds_count", "stage=\"" + stage + "\"")).as(stage)
          .isGreaterThanOrEqualTo(12);
    }
    assertThat(value(text, "stoker_stage_seconds_sum", "stage=\"decode\"")).isPositive();
    assertThat(value(text, "stoker_samples_delivered_total", "")).isPositive();
    assertThat(text).contains("# TYPE stoker_stage_seconds");
  }

  @Test
  void serve_metricsPort_servesTheNodesCountersAfterARemoteRun() throws Exception {
    AtomicInteger status = new AtomicInteger(-1);
    Thread serving = new Thread(() -> status.set(StokerCli.run("serve", "--data", dataset.dir().toString(), "--port",
        "0", "--workers", "1", "--metrics-port", "0")), "serve-under-test");
    serving.start();
    int metrics = metricsPort("serve", serving);
    Matcher line = SERVING.matcher("");
    long deadline = System.nanoTime() + WAIT_NANOS;
    while (!line.reset(console.out()).find()) {
      assertThat(System.nanoTime()).as("the serving line; err: " + console.err()).isLessThan(deadline);
      Thread.sleep(10);
    }
    String before = scrape(metrics);
    assertThat(value(before, "stoker_node_samples_total", "")).as("nothing served yet").isZero();

    int bench = StokerCli.run("bench", "--remote", line.group(1) + ":" + line.group(2), "--threads", "1", "--batch",
        "4", "--size", "16", "--epochs", "1", "--json");
    assertThat(bench).as(console.err()).isZero();
    String text = scrape(metrics);
    serving.interrupt();
    serving.join(WAIT_NANOS / 1_000_000);

    assertThat(status.get()).isZero();
    assertThat(value(text, "stoker_node_samples_total", "")).as("warm-up and one timed epoch").isEqualTo(2 * 12);
    assertThat(value(text, "stoker_node_connections_total", "")).isGreaterThanOrEqualTo(1);
    assertThat(value(text, "stoker_node_chunks_total", "")).isPositive();
    assertThat(value(text, "stoker_node_sent_bytes_total", "")).isGreaterThan(2 * 12 * 16 * 16 * 3);
    assertThat(value(text, "stoker_node_decode_failures_total", "")).isZero();
    assertThat(value(text, "stoker_node_auth_failures_total", "")).isZero();
    assertThat(text).contains("stoker_node_connections_open");
  }

  @Test
  void demo_metricsPort_printsTheAddressAndClosesTheEndpointWhenItEnds() throws Exception {
    int status = StokerCli.run("demo", dataset.dir().toString(), "--epochs", "1", "--size", "16", "--batch", "4",
        "--threads", "1", "--metrics-port", "0");
    assertThat(status).as(console.err()).isZero();
    Matcher m = Pattern.compile("demo: metrics on http://127\\.0\\.0\\.1:(\\d+)/metrics").matcher(console.err());
    assertThat(m.find()).as(console.err()).isTrue();
    int port = Integer.parseInt(m.group(1));
    assertThatThrownBy(() -> scrape(port)).as("closed with the command").isInstanceOf(IOException.class);
  }

  @Test
  void bench_metricsPortInUse_failsTheRunNamingTheOption() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int status = StokerCli.run("bench", dataset.dir().toString(), "--metrics-port",
          String.valueOf(taken.getLocalPort()));
      assertThat(status).isEqualTo(1);
      assertThat(console.err()).contains("stoker: --metrics-port: cannot listen on 127.0.0.1:" + taken.getLocalPort());
    }
  }

  @Test
  void bench_metricsPortOutOfRange_exitsTwo() {
    assertThat(StokerCli.run("bench", dataset.dir().toString(), "--metrics-port", "65536")).isEqualTo(2);
    assertThat(console.err()).contains("stoker: --metrics-port: must be in [0, 65535], got 65536");
  }

  @Test
  void bench_metricsBindWithoutPort_exitsTwo() {
    assertThat(StokerCli.run("bench", dataset.dir().toString(), "--metrics-bind", "0.0.0.0")).isEqualTo(2);
    assertThat(console.err()).contains("--metrics-bind goes with --metrics-port");
  }
}
