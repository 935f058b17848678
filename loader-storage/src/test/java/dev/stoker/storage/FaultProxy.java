package dev.stoker.storage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A loopback TCP proxy between a client and an HTTP server that injects faults, request by request.
 * It reads each request's head (requests through it carry no body: GET, HEAD, list), counts it,
 * and asks its plan what to do with request number {@code n} (from 1): pass it on, answer a status
 * itself, drop the connection after some bytes of the server's answer, or stall. It forwards each
 * request with {@code Connection: close}, so every request has a connection of its own and the
 * count is exact.
 *
 * <pre>{@code
 * try (FaultProxy proxy = new FaultProxy(serverPort, n -> n <= 2 ? Fault.status(503) : Fault.pass())) {
 *   ... client against 127.0.0.1:proxy.port() ...
 *   assertThat(proxy.requests()).isEqualTo(3);
 * }
 * }</pre>
 */
final class FaultProxy implements AutoCloseable {
  /** What the proxy does with one request. */
  record Fault(Kind kind, int status, String body, long bytes) {
    enum Kind { PASS, STATUS, DROP_AFTER, STALL_AFTER }

    static Fault pass() {
      return new Fault(Kind.PASS, 0, "", 0);
    }

    /** Answers {@code status} itself, with an S3-style error body. */
    static Fault status(int status) {
      String code = status == 503 ? "SlowDown" : status == 500 ? "InternalError" : "Error";
      return new Fault(Kind.STATUS, status, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code
          + "</Code><Message>injected by the test</Message></Error>", 0);
    }

    /** Passes the request on, then closes both connections after {@code bytes} bytes of the answer. */
    static Fault dropAfter(long bytes) {
      return new Fault(Kind.DROP_AFTER, 0, "", bytes);
    }

    /** Passes the request on, forwards {@code bytes} bytes of the answer, then stalls (0: answers nothing). */
    static Fault stallAfter(long bytes) {
      return new Fault(Kind.STALL_AFTER, 0, "", bytes);
    }
  }

  private static final int MAX_HEAD = 64 << 10;

  private final int upstreamPort;
  private final IntFunction<Fault> plan;
  private final ServerSocket server;
  private final AtomicInteger requests = new AtomicInteger();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final CountDownLatch closed = new CountDownLatch(1);

  FaultProxy(int upstreamPort, IntFunction<Fault> plan) throws IOException {
    this.upstreamPort = upstreamPort;
    this.plan = plan;
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread.ofVirtual().name("fault-proxy-accept").start(this::accept);
  }

  int port() {
    return server.getLocalPort();
  }

  /** The requests the proxy has read so far. */
  int requests() {
    return requests.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        sockets.add(client);
        Thread.ofVirtual().name("fault-proxy-conn").start(() -> serve(client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      byte[] head = readHead(client.getInputStream());
      if (head == null) {
        return;
      }
      Fault fault = plan.apply(requests.incrementAndGet());
      OutputStream toClient = client.getOutputStream();
      if (fault.kind() == Fault.Kind.STATUS) {
        byte[] body = fault.body().getBytes(StandardCharsets.UTF_8);
        toClient.write(("HTTP/1.1 " + fault.status() + " Injected\r\nContent-Type: application/xml\r\nContent-Length: "
            + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        toClient.write(body);
        toClient.flush();
        return;
      }
      if (fault.kind() == Fault.Kind.STALL_AFTER && fault.bytes() == 0) {
        closed.await();
        return;
      }
      try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
        sockets.add(upstream);
        upstream.getOutputStream().write(withConnectionClose(head));
        upstream.getOutputStream().flush();
        InputStream fromServer = upstream.getInputStream();
        long limit = fault.kind() == Fault.Kind.PASS ? Long.MAX_VALUE : fault.bytes();
        byte[] buffer = new byte[8192];
        long sent = 0;
        while (sent < limit) {
          int n = fromServer.read(buffer, 0, (int) Math.min(buffer.length, limit - sent));
          if (n < 0) {
            break;
          }
          toClient.write(buffer, 0, n);
          toClient.flush();
          sent += n;
        }
        if (fault.kind() == Fault.Kind.DROP_AFTER) {
          client.setSoLinger(true, 0);
        } else if (fault.kind() == Fault.Kind.STALL_AFTER) {
          closed.await();
        }
      }
    } catch (IOException | InterruptedException e) {
      // the client or the server went away: nothing to tell
    }
  }

  /** A request head up to its blank line, or null at the end of the connection. */
  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (head.size() < MAX_HEAD) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        return head.toByteArray();
      }
    }
    throw new IOException("request head too long");
  }

  /** The head with its Connection header replaced by {@code Connection: close}. */
  private static byte[] withConnectionClose(byte[] head) {
    String text = new String(head, StandardCharsets.ISO_8859_1);
    StringBuilder out = new StringBuilder();
    String[] lines = text.split("\r\n");
    for (String line : lines) {
      if (!line.regionMatches(true, 0, "connection:", 0, 11) && !line.isEmpty()) {
        out.append(line).append("\r\n");
      }
    }
    out.append("Connection: close\r\n\r\n");
    return out.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    closed.countDown();
    server.close();
    for (Socket socket : sockets) {
      socket.close();
    }
  }
}
