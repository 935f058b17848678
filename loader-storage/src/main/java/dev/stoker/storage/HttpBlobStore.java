package dev.stoker.storage;

import java.io.EOFException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Blobs served over HTTP(S) under a base URL: key {@code a/b.tar} is {@code BASE/a/b.tar}, read
 * with {@code Range: bytes=FIRST-LAST} requests on {@link HttpClient}. Only a 206 answer whose
 * {@code Content-Range} is the range asked for is accepted, or a 200 when the whole blob was asked
 * for; the body is checked against the asked length before anything is allocated and may not
 * exceed it. Plain HTTP cannot list a directory: {@link #list} fails, so datasets over HTTP name
 * their files themselves (a pack's descriptor names its shards).
 */
final class HttpBlobStore implements BlobStore {
  private final URI base;
  private final String location;
  private final StorageOptions options;
  private final HttpClient client;
  private final Counters counters = new Counters();
  private final Retry retry;
  private volatile boolean closed;

  HttpBlobStore(String location, StorageOptions options) {
    this.base = checkedBase(location);
    this.location = base.toString();
    this.options = options;
    this.retry = new Retry(this.location, options.maxAttempts(), options.initialBackoff(), counters);
    Duration connect = options.requestTimeout().compareTo(Duration.ofSeconds(10)) < 0
        ? options.requestTimeout() : Duration.ofSeconds(10);
    this.client = HttpClient.newBuilder()
        .connectTimeout(connect)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
  }

  /** The location as a URI without user info, query or fragment, and without a trailing slash. */
  private static URI checkedBase(String location) {
    URI uri;
    try {
      uri = new URI(location);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("location: not a URL: " + Keys.printable(location));
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      throw new IllegalArgumentException("location: must be an http:// or https:// URL with a host");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("location: must not carry user info (credentials) in the URL");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("location: must not carry a query or fragment: "
          + scheme + "://" + uri.getHost() + "/...");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return URI.create(scheme + "://" + uri.getRawAuthority() + path);
  }

  @Override
  public String location() {
    return location;
  }

  /** The URL of {@code key}: each segment percent-encoded. */
  URI uri(String key) {
    StringBuilder out = new StringBuilder(base.toString());
    for (String segment : Keys.check(key).split("/")) {
      out.append('/');
      for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
        int c = b & 0xff;
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
            || c == '_' || c == '~') {
          out.append((char) c);
        } else {
          out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
              .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
        }
      }
    }
    return URI.create(out.toString());
  }

  private String what(String key) {
    return "http store " + location + ": " + Keys.printable(key);
  }

  private HttpRequest.Builder request(URI uri) throws IOException {
    if (closed) {
      throw new IOException("http store " + location + ": closed");
    }
    return HttpRequest.newBuilder(uri).timeout(options.requestTimeout());
  }

  @Override
  public long size(String key) throws IOException {
    URI uri = uri(key);
    String what = what(key);
    return retry.call(what, () -> {
      HttpResponse<Void> head = Retry.await(
          client.sendAsync(request(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
              HttpResponse.BodyHandlers.discarding()),
          options.requestTimeout(), what);
      int status = head.statusCode();
      OptionalLong length = head.headers().firstValueAsLong("Content-Length");
      if (status == 200 && length.isPresent() && length.getAsLong() >= 0) {
        return length.getAsLong();
      }
      IOException failure = statusFailure(status, what);
      if (failure != null && status != 405 && status != 501) {
        throw failure;
      }
      return Retry.await(
          client.sendAsync(request(uri).header("Range", "bytes=0-0").GET().build(), SizeProbe.handler(what)),
          options.requestTimeout(), what).body();
    });
  }

  @Override
  public ByteBuffer read(String key, long offset, int length) throws IOException {
    Keys.checkRange(offset, length);
    URI uri = uri(key);
    if (length == 0) {
      return ByteBuffer.allocate(0);
    }
    String what = what(key);
    long last = offset + length - 1;
    byte[] bytes = retry.call(what, () -> Retry.await(
        client.sendAsync(request(uri).header("Range", "bytes=" + offset + "-" + last).GET().build(),
            info -> RangeSubscriber.forAnswer(info, offset, length, what)),
        options.requestTimeout(), what).body());
    counters.bytes(bytes.length);
    return ByteBuffer.wrap(bytes);
  }

  /**
   * The failure an answer's status means, or null for a 2xx: 404/410 a missing blob, 416 the end of
   * the blob, 429 and 5xx transient, any other refused for good.
   */
  static IOException statusFailure(int status, String what) {
    if (status >= 200 && status < 300) {
      return null;
    }
    if (status == 404 || status == 410) {
      return new NoSuchFileException(what, null, "HTTP " + status);
    }
    if (status == 416) {
      return new EOFException(what + ": the range starts at or after the end of the blob (HTTP 416)");
    }
    if (status == 429 || status >= 500 && status <= 599) {
      return new Retry.TransientIOException(what + ": HTTP " + status, null);
    }
    return new IOException(what + ": HTTP " + status);
  }

  /** A failure {@link Retry#await} passes on as it is, transient or not. */
  static IOException decided(IOException failure) {
    return failure instanceof Retry.TransientIOException ? failure : new Retry.Decided(failure);
  }

  @Override
  public List<String> list(String prefix, int maxKeys) throws IOException {
    throw new IOException("http store " + location + ": cannot list blobs over plain HTTP;"
        + " name them another way (a pack's stoker-pack.json names its shards)");
  }

  @Override
  public boolean listable() {
    return false;
  }

  @Override
  public StoreStats stats() {
    return counters.snapshot();
  }

  @Override
  public void close() {
    closed = true;
    client.shutdownNow();
  }

  @Override
  public String toString() {
    return "http store " + location;
  }

  /** Reads the total size out of the answer to {@code Range: bytes=0-0}. */
  static final class SizeProbe {
    private SizeProbe() {}

    static BodyHandler<Long> handler(String what) {
      return info -> {
        int status = info.statusCode();
        String header = info.headers().firstValue("Content-Range").orElse(null);
        if (status == 206 || status == 416) {
          var range = ContentRange.parse(header);
          if (range.isPresent() && range.get().total() >= 0) {
            return HttpResponse.BodySubscribers.replacing(range.get().total());
          }
          return failed(new IOException(what + ": no size in the answer (missing or malformed Content-Range)"));
        }
        OptionalLong length = info.headers().firstValueAsLong("Content-Length");
        if (status == 200 && length.isPresent() && length.getAsLong() >= 0) {
          return HttpResponse.BodySubscribers.replacing(length.getAsLong());
        }
        IOException failure = statusFailure(status, what);
        return failed(failure != null ? failure : new IOException(what + ": no size in the answer (HTTP " + status + ")"));
      };
    }
  }

  /** A body subscriber that fails at once, cancelling the body. */
  static <T> BodySubscriber<T> failed(IOException failure) {
    return new RangeSubscriber.Failing<>(decided(failure));
  }
}
