package dev.stoker.cli;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import picocli.CommandLine.Option;

/**
 * {@code --admin-port P} and {@code --admin-bind ADDR} of {@code serve}: one HTTP endpoint for a
 * node's orchestrator and scraper, {@code /healthz} (200 while the process runs), {@code /readyz}
 * (200 while the node takes work; 503 while it starts or drains) and {@code /metrics} (the node's
 * meters as Prometheus text). On {@code serve}, {@code --metrics-port} names the same endpoint (a
 * node has one admin port: both options with different ports are refused) and {@code --metrics-bind}
 * is {@code --admin-bind}. The command prints where, on standard error:
 * {@code serve: metrics on http://127.0.0.1:8080/metrics} and
 * {@code serve: probes on http://127.0.0.1:8080/healthz and /readyz}.
 *
 * <pre>{@code
 * try (MetricsOptions.Endpoint admin = this.admin.start("serve", System.err)) {
 *   DataNode node = DataNode.start(config, admin.registry());
 *   admin.ready(node::isReady);
 * }
 * }</pre>
 */
final class AdminOptions {
  @Option(names = "--admin-port", paramLabel = "P",
      description = "serve /healthz (200 while the process runs), /readyz (200 while the node takes work, 503 while "
          + "it starts or drains) and /metrics (its counters as Prometheus text) on http://ADDR:P; 0 for any free "
          + "port (the address is printed on stderr) (default: no endpoint)")
  Integer adminPort;

  @Option(names = "--metrics-port", paramLabel = "P",
      description = "the same endpoint as --admin-port (a node has one admin port; giving both with different "
          + "ports is an error)")
  Integer metricsPort;

  @Option(names = {"--admin-bind", "--metrics-bind"}, paramLabel = "ADDR", defaultValue = "127.0.0.1",
      description = "with --admin-port: the address to listen on, e.g. 0.0.0.0 for probes and a scraper on another "
          + "machine (the endpoint has no TLS and no token; it shows health, counts and timings, never data) "
          + "(default: ${DEFAULT-VALUE})")
  InetAddress bind;

  /** The port asked for, or null for no endpoint. */
  Integer port() {
    if (adminPort != null && metricsPort != null && !adminPort.equals(metricsPort)) {
      throw new UsageException("--admin-port " + adminPort + " and --metrics-port " + metricsPort + ": a node serves "
          + "/healthz, /readyz and /metrics on one port; give one of them (or the same port)");
    }
    return adminPort != null ? adminPort : metricsPort;
  }

  /** The option the port came from, for messages. */
  private String option() {
    return adminPort != null ? "--admin-port" : "--metrics-port";
  }

  /**
   * Checks the options; starts the endpoint (with its probes) if a port was given, printing where
   * on {@code err}. {@code /readyz} answers 503 until {@link MetricsOptions.Endpoint#ready} is set.
   *
   * @return the endpoint, or null without a port
   * @throws UsageException naming the option for a port out of range, two different ports, or a
   *     bind address without a port
   * @throws IllegalStateException naming the option if the port cannot be bound
   */
  MetricsOptions.Endpoint start(String command, PrintStream err) {
    Integer port = port();
    if (port == null) {
      if (!bind.getHostAddress().equals("127.0.0.1")) {
        throw new UsageException("--admin-bind goes with --admin-port");
      }
      return null;
    }
    if (port < 0 || port > 0xFFFF) {
      throw new UsageException(option() + ": must be in [0, 65535], got " + port);
    }
    MetricsOptions.Endpoint endpoint = MetricsOptions.Endpoint.start(new InetSocketAddress(bind, port), option(), true);
    String at = "http://" + MetricsOptions.hostPort(endpoint.address());
    err.println(command + ": metrics on " + at + "/metrics");
    err.println(command + ": probes on " + at + "/healthz and /readyz");
    err.flush();
    return endpoint;
  }
}
