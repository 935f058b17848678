package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code serve --admin-port}: one endpoint with {@code /healthz}, {@code /readyz} and {@code /metrics};
 * {@code --metrics-port} names the same one; {@code /readyz} answers 503 until the node takes work.
 */
class AdminEndpointTest {
  private static final Pattern PROBES = Pattern.compile("serve: probes on (http://127\\.0\\.0\\.1:\\d+)/healthz and /readyz");
  private static final long WAIT_NANOS = 60_000_000_000L;

  @RegisterExtension
  static final CliDataset dataset = CliDataset.demo(2);

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private String awaitProbes(Thread serving) throws InterruptedException {
    Matcher m = PROBES.matcher("");
    long deadline = System.nanoTime() + WAIT_NANOS;
    while (!m.reset(console.err()).find() || !console.out().contains("serving ")) {
      assertThat(serving.isAlive()).as("still running; err: " + console.err()).isTrue();
      assertThat(System.nanoTime()).as("the probes line; err: " + console.err()).isLessThan(deadline);
      Thread.sleep(10);
    }
    return m.group(1);
  }

  @Test
  void serve_adminPort_healthzReadyzAndMetricsOnOnePort() throws Exception {
    AtomicInteger status = new AtomicInteger(-1);
    Thread serving = new Thread(() -> status.set(StokerCli.run("serve", "--data", dataset.dir().toString(), "--port",
        "0", "--workers", "1", "--admin-port", "0")), "serve-under-test");
    serving.start();
    String at = awaitProbes(serving);

    HttpResponse<String> health = get(at + "/healthz");
    HttpResponse<String> ready = get(at + "/readyz");
    HttpResponse<String> metrics = get(at + "/metrics");
    HttpResponse<String> other = get(at + "/readyz/more");
    serving.interrupt();
    serving.join(WAIT_NANOS / 1_000_000);

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(ready.statusCode()).as("serving: ready").isEqualTo(200);
    assertThat(ready.body()).isEqualTo("ok\n");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).containsPattern("(?m)^stoker_node_connections_total 0(\\.0)?$");
    assertThat(other.statusCode()).isEqualTo(404);
    assertThat(console.err()).contains("serve: metrics on " + at + "/metrics");
    assertThat(status.get()).isZero();
  }

  @Test
  void endpoint_readyNotSetYet_readyz503AndHealthz200() throws Exception {
    try (MetricsOptions.Endpoint endpoint = MetricsOptions.Endpoint.start(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), "--admin-port", true)) {
      String at = "http://" + MetricsOptions.hostPort(endpoint.address());
      assertThat(get(at + "/readyz").statusCode()).as("starting").isEqualTo(503);
      assertThat(get(at + "/healthz").statusCode()).isEqualTo(200);
      endpoint.ready(() -> true);
      assertThat(get(at + "/readyz").statusCode()).isEqualTo(200);
      endpoint.ready(() -> false);   // draining
      assertThat(get(at + "/readyz").statusCode()).isEqualTo(503);
      assertThat(get(at + "/readyz").body()).isEqualTo("not ready\n");
    }
  }

  @Test
  void endpoint_withoutProbes_hasOnlyMetrics() throws Exception { // bench and demo: as before
    try (MetricsOptions.Endpoint endpoint = MetricsOptions.Endpoint.start(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), "--metrics-port", false)) {
      String at = "http://" + MetricsOptions.hostPort(endpoint.address());
      assertThat(get(at + "/readyz").statusCode()).isEqualTo(404);
      assertThat(get(at + "/metrics").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void serve_adminPortAndMetricsPortDiffer_exitsTwoNamingBoth() {
    int status = StokerCli.run("serve", "--data", dataset.dir().toString(), "--port", "0", "--admin-port", "8080",
        "--metrics-port", "9464");
    assertThat(status).isEqualTo(2);
    assertThat(console.err()).contains("--admin-port 8080 and --metrics-port 9464");
    assertThat(console.out()).doesNotContain("serving");
  }

  @Test
  void serve_adminBindWithoutPort_exitsTwo() {
    int status = StokerCli.run("serve", "--data", dataset.dir().toString(), "--port", "0", "--admin-bind", "0.0.0.0");
    assertThat(status).isEqualTo(2);
    assertThat(console.err()).contains("--admin-bind goes with --admin-port");
  }

  @Test
  void serve_drainGraceNotADuration_exitsTwo() {
    int status = StokerCli.run("serve", "--data", dataset.dir().toString(), "--port", "0", "--drain-grace", "soon");
    assertThat(status).isEqualTo(2);
    assertThat(console.err()).contains("--drain-grace");
  }
}
