package dev.stoker.storage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One retry policy for every remote store: up to {@code maxAttempts} attempts of a call, another
 * only after a {@link TransientIOException} (a connection reset or closed, a timeout, HTTP 5xx or
 * 429, a body that ended early), with an exponential backoff from {@code initialBackoff} (doubled
 * each time, at most {@link #MAX_BACKOFF}) and jitter: a pause of {@code b/2 + random(0, b/2)}.
 * Any other failure (a 4xx answer, a missing blob, a refused answer) is thrown at once.
 */
final class Retry {
  /** The longest pause between two attempts. */
  static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  /** One attempt of a call. */
  @FunctionalInterface
  interface Attempt<T> {
    T run() throws IOException;
  }

  /** A failure that another attempt may not meet: the network's, a timeout's, a busy server's. */
  static final class TransientIOException extends IOException {
    private static final long serialVersionUID = 1L;

    TransientIOException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Wraps a failure a store decided on itself (a missing blob, a refused answer, an end of blob)
   * while it travels through a client's future, so that {@link #await} tells it from the client's
   * own network failures.
   */
  static final class Decided extends IOException {
    private static final long serialVersionUID = 1L;

    Decided(IOException decided) {
      super(decided.getMessage(), decided);
    }

    IOException decided() {
      return (IOException) getCause();
    }
  }

  private final String store;
  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Counters counters;

  Retry(String store, int maxAttempts, Duration initialBackoff, Counters counters) {
    this.store = store;
    this.maxAttempts = maxAttempts;
    this.initialBackoff = initialBackoff;
    this.counters = counters;
  }

  int maxAttempts() {
    return maxAttempts;
  }

  /**
   * Runs {@code attempt} until it succeeds, fails for good, or has run {@code maxAttempts} times.
   *
   * @param what the store and object, for the message of the last failure
   * @throws IOException the last failure: as thrown when it is not transient, else wrapped in one
   *     naming {@code what} and the attempt count
   */
  <T> T call(String what, Attempt<T> attempt) throws IOException {
    for (int attemptNumber = 1; ; attemptNumber++) {
      counters.request();
      try {
        return attempt.run();
      } catch (TransientIOException e) {
        if (attemptNumber >= maxAttempts) {
          counters.failure();
          throw new IOException(what + ": failed after " + attemptNumber
              + (attemptNumber == 1 ? " attempt: " : " attempts: ") + e.getMessage(), e);
        }
        counters.retry();
        pause(attemptNumber);
      } catch (IOException | RuntimeException e) {
        counters.failure();
        throw e;
      }
    }
  }

  /** The pause before attempt {@code failed + 1}: exponential with jitter. */
  Duration backoff(int failed) {
    long base = initialBackoff.toNanos();
    for (int i = 1; i < failed && base < MAX_BACKOFF.toNanos(); i++) {
      base *= 2;
    }
    base = Math.min(base, MAX_BACKOFF.toNanos());
    long half = base / 2;
    return Duration.ofNanos(half + (half > 0 ? ThreadLocalRandom.current().nextLong(half + 1) : 0));
  }

  private void pause(int failed) throws InterruptedIOException {
    try {
      Thread.sleep(backoff(failed));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(store + ": interrupted while waiting to retry");
    }
  }

  /**
   * Waits at most {@code timeout} for {@code future}; cancels it when the time is up.
   *
   * @param what the store and object, for messages
   * @return the future's value
   * @throws IOException the store's own decision when the future carries a {@link Decided}; a
   *     {@link TransientIOException} for a timeout or any other failure of the client
   */
  static <T> T await(CompletableFuture<T> future, Duration timeout, String what) throws IOException {
    try {
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new TransientIOException(what + ": no answer within " + timeout.toMillis() + " ms", null);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(what + ": interrupted");
    } catch (ExecutionException e) {
      throw unwrap(e.getCause(), what);
    }
  }

  /** The store's own decision in {@code failure}'s causes, else a transient failure naming its kind. */
  static IOException unwrap(Throwable failure, String what) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof Decided decided) {
        return decided.decided();
      }
      if (t instanceof TransientIOException transientFailure) {
        return transientFailure;
      }
    }
    return new TransientIOException(what + ": " + describe(failure), failure);
  }

  /**
   * A failure's kind for a message: the class names of its causes and the first line of the
   * innermost's message, printable characters only, cut short. Client libraries write these
   * messages, not servers; a server's text reaches them only through {@link Decided} failures,
   * which the stores word themselves.
   */
  static String describe(Throwable failure) {
    StringBuilder out = new StringBuilder();
    Throwable last = failure;
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 6; t = t.getCause(), depth++) {
      if (!out.isEmpty()) {
        out.append(" <- ");
      }
      out.append(t.getClass().getSimpleName());
      last = t;
    }
    String message = last == null ? null : last.getMessage();
    if (message != null && !message.isBlank()) {
      String line = message.lines().findFirst().orElse("");
      out.append(": ").append(Keys.printable(line.length() > 160 ? line.substring(0, 160) : line));
    }
    return out.toString();
  }
}
