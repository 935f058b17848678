package dev.stoker.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * {@code --metrics-port P} and {@code --metrics-bind ADDR} of {@code bench} and {@code demo} (on
 * {@code serve} they are {@link AdminOptions}' aliases): the command's meters (a loader's stage timers, ring and sample counters; a node's
 * connection, chunk, sample, byte and failure counters) in a Prometheus registry, served as
 * Prometheus text at {@code http://ADDR:P/metrics} while the command runs. The command prints
 * where, on standard error: {@code metrics: http://127.0.0.1:9464/metrics} (with the port bound,
 * for {@code --metrics-port 0}).
 *
 * <pre>{@code
 * try (MetricsOptions.Endpoint metrics = this.metrics.start("bench")) {
 *   options.meters = metrics == null ? null : metrics.registry();
 *   ...
 * }
 * }</pre>
 */
final class MetricsOptions {
  @Option(names = "--metrics-port", paramLabel = "P",
      description = "serve the run's meters (stage timers, ring, samples; a node's counters) as Prometheus text at "
          + "http://ADDR:P/metrics while it runs; 0 for any free port (the address is printed on stderr) "
          + "(default: no endpoint)")
  Integer port;

  @Option(names = "--metrics-bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
      description = "with --metrics-port: the address to listen on, e.g. 0.0.0.0 for a scraper on another machine "
          + "(the endpoint has no TLS and no token; it shows counts and timings, never data) (default: ${DEFAULT-VALUE})")
  InetAddress bind;

  /**
   * Starts the endpoint if {@code --metrics-port} was given, printing where on {@code err}.
   *
   * @return the endpoint, or null without {@code --metrics-port}
   * @throws UsageException naming the option if the port is out of range
   * @throws IllegalStateException naming the option if the port cannot be bound
   */
  Endpoint start(String command, PrintStream err) {
    if (port == null) {
      if (!bind.getHostAddress().equals("127.0.0.1")) {
        throw new UsageException("--metrics-bind goes with --metrics-port");
      }
      return null;
    }
    if (port < 0 || port > 0xFFFF) {
      throw new UsageException("--metrics-port: must be in [0, 65535], got " + port);
    }
    Endpoint endpoint = Endpoint.start(new InetSocketAddress(bind, port), "--metrics-port", false);
    err.println(command + ": metrics on http://" + hostPort(endpoint.address()) + "/metrics");
    err.flush();
    return endpoint;
  }

  static String hostPort(InetSocketAddress address) {
    String host = address.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  /**
   * A Prometheus registry and the HTTP server that serves it at {@code /metrics} and, with probes,
   * {@code /healthz} (200 while the process runs) and {@code /readyz} (200 while {@link #ready}
   * says so, else 503; 503 until it is set); closing stops both.
   *
   * <pre>{@code
   * try (Endpoint admin = Endpoint.start(new InetSocketAddress(loopback, 8080), "--admin-port", true)) {
   *   DataNode node = DataNode.start(config, admin.registry());
   *   admin.ready(node::isReady);
   * }
   * }</pre>
   */
  static final class Endpoint implements AutoCloseable {
    private final PrometheusMeterRegistry registry;
    private final HttpServer server;
    private final ExecutorService executor;
    private volatile BooleanSupplier ready = () -> false;

    private Endpoint(PrometheusMeterRegistry registry, HttpServer server, ExecutorService executor) {
      this.registry = registry;
      this.server = server;
      this.executor = executor;
    }

    /**
     * Binds {@code address} and serves {@code /metrics}, and {@code /healthz} and {@code /readyz}
     * if {@code probes}.
     *
     * @param option the option that named the port, for errors
     * @throws IllegalStateException naming {@code option} if the address cannot be bound (a port
     *     in use: the run fails, exit status 1)
     */
    static Endpoint start(InetSocketAddress address, String option, boolean probes) {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      HttpServer server;
      try {
        server = HttpServer.create(address, 16);
      } catch (IOException e) {
        registry.close();
        throw new IllegalStateException(option + ": cannot listen on " + address.getAddress().getHostAddress() + ":"
            + address.getPort() + ": " + e.getMessage(), e);
      }
      ExecutorService executor = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon()
          .name("stoker-metrics").unstarted(r));
      server.setExecutor(executor);
      Endpoint endpoint = new Endpoint(registry, server, executor);
      server.createContext("/metrics", exchange -> scrape(exchange, registry));
      if (probes) {
        server.createContext("/healthz", exchange -> probe(exchange, true));
        server.createContext("/readyz", exchange -> probe(exchange, endpoint.ready.getAsBoolean()));
      }
      server.start();
      return endpoint;
    }

    /** {@code /readyz} answers 200 from now on while {@code ready} is true, 503 otherwise. */
    void ready(BooleanSupplier ready) {
      this.ready = ready;
    }

    /** 200 {@code ok} or 503 {@code not ready}, as plain text; only the exact path. */
    private static void probe(HttpExchange exchange, boolean ok) throws IOException {
      try (exchange) {
        if (!exchange.getRequestURI().getPath().equals(exchange.getHttpContext().getPath())) {
          exchange.sendResponseHeaders(404, -1);
          return;
        }
        answer(exchange, ok ? 200 : 503, "text/plain; charset=utf-8", () -> ok ? "ok\n" : "not ready\n");
      }
    }

    private static void scrape(HttpExchange exchange, PrometheusMeterRegistry registry) throws IOException {
      try (exchange) {
        answer(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry::scrape);
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }

    /**
     * Answers GET (with {@code body}) or HEAD (without) with {@code status}; any other method gets
     * 405, and {@code body} is not made.
     */
    private static void answer(HttpExchange exchange, int status, String contentType, Supplier<String> body)
        throws IOException {
      String method = exchange.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", contentType);
      boolean head = method.equals("HEAD");
      exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }

    /** Where it listens (the port bound, for port 0). */
    InetSocketAddress address() {
      return server.getAddress();
    }

    /** The registry served. */
    PrometheusMeterRegistry registry() {
      return registry;
    }

    /** Stops serving (at once) and closes the registry. */
    @Override
    public void close() {
      server.stop(0);
      executor.shutdownNow();
      registry.close();
    }
  }
}
