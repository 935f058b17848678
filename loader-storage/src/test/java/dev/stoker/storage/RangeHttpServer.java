package dev.stoker.storage;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP server on loopback serving byte blobs under {@code /data/} with range requests, and with
 * ways to misbehave: ignore ranges, answer the wrong range, send more bytes than asked, refuse HEAD.
 */
final class RangeHttpServer implements AutoCloseable {
  /** How the server answers. */
  enum Mode { GOOD, IGNORES_RANGE, WRONG_RANGE, TOO_LONG_DECLARED, TOO_LONG_CHUNKED, NO_HEAD }

  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");

  private final HttpServer server;
  private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
  private volatile Mode mode = Mode.GOOD;

  RangeHttpServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/data/", this::handle);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://127.0.0.1:PORT/data}. */
  String base() {
    return "http://127.0.0.1:" + port() + "/data";
  }

  void put(String key, byte[] bytes) {
    blobs.put("/data/" + key, bytes);
  }

  void mode(Mode mode) {
    this.mode = mode;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] blob = blobs.get(exchange.getRequestURI().getPath());
      if (blob == null) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      if (exchange.getRequestMethod().equals("HEAD")) {
        if (mode == Mode.NO_HEAD) {
          exchange.sendResponseHeaders(405, -1);
          return;
        }
        exchange.getResponseHeaders().set("Content-Length", Long.toString(blob.length));
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      String range = exchange.getRequestHeaders().getFirst("Range");
      Matcher matcher = range == null ? null : RANGE.matcher(range);
      if (matcher == null || !matcher.matches() || mode == Mode.IGNORES_RANGE) {
        send(exchange, 200, blob, 0, blob.length, blob.length);
        return;
      }
      long first = Long.parseLong(matcher.group(1));
      long last = Math.min(Long.parseLong(matcher.group(2)), blob.length - 1L);
      if (first >= blob.length) {
        exchange.getResponseHeaders().set("Content-Range", "bytes */" + blob.length);
        exchange.sendResponseHeaders(416, -1);
        return;
      }
      int from = (int) first;
      int count = (int) (last - first + 1);
      switch (mode) {
        case WRONG_RANGE -> {
          int shifted = Math.min(from + 1, blob.length - count);
          exchange.getResponseHeaders().set("Content-Range", "bytes " + shifted + "-" + (shifted + count - 1) + "/" + blob.length);
          send(exchange, 206, blob, shifted, count, count);
        }
        case TOO_LONG_DECLARED, TOO_LONG_CHUNKED -> {
          exchange.getResponseHeaders().set("Content-Range", "bytes " + first + "-" + last + "/" + blob.length);
          int more = Math.min(count + 100, blob.length - from);
          send(exchange, 206, blob, from, more, mode == Mode.TOO_LONG_DECLARED ? more : 0);
        }
        default -> {
          exchange.getResponseHeaders().set("Content-Range", "bytes " + first + "-" + last + "/" + blob.length);
          send(exchange, 206, blob, from, count, count);
        }
      }
    }
  }

  /** Sends {@code count} bytes from {@code from}, declaring {@code declared} (0: chunked). */
  private static void send(HttpExchange exchange, int status, byte[] blob, int from, int count, long declared)
      throws IOException {
    exchange.sendResponseHeaders(status, declared == 0 ? 0 : declared);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(blob, from, count);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
