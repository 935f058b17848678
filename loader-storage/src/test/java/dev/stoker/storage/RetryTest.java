package dev.stoker.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryTest {
  private final Counters counters = new Counters();

  private Retry retry(int attempts) {
    return new Retry("test store", attempts, Duration.ZERO, counters);
  }

  @Test
  void call_transientFailuresThenSuccess_returnsTheValue() throws IOException {
    AtomicInteger calls = new AtomicInteger();
    String value = retry(3).call("test store: k", () -> {
      if (calls.incrementAndGet() < 3) {
        throw new Retry.TransientIOException("reset", null);
      }
      return "ok";
    });
    assertThat(value).isEqualTo("ok");
    assertThat(counters.snapshot()).isEqualTo(new StoreStats(3, 0, 2, 0));
  }

  @Test
  void call_alwaysTransient_stopsAfterMaxAttemptsNamingWhat() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> retry(4).call("test store: k", () -> {
      calls.incrementAndGet();
      throw new Retry.TransientIOException("test store: k: HTTP 503", null);
    })).isInstanceOf(IOException.class).hasMessage("test store: k: failed after 4 attempts: test store: k: HTTP 503");
    assertThat(calls).hasValue(4);
    assertThat(counters.snapshot()).isEqualTo(new StoreStats(4, 0, 3, 1));
  }

  @Test
  void call_notTransient_failsAtOnceWithTheSameException() {
    for (IOException failure : new IOException[] {new NoSuchFileException("k"), new EOFException("end"),
        new IOException("HTTP 403")}) {
      AtomicInteger calls = new AtomicInteger();
      assertThatThrownBy(() -> retry(5).call("k", () -> {
        calls.incrementAndGet();
        throw failure;
      })).isSameAs(failure);
      assertThat(calls).hasValue(1);
    }
  }

  @Test
  void backoff_doublesWithJitterUpToTheCap() {
    Retry retry = new Retry("s", 20, Duration.ofMillis(100), counters);
    for (int i = 0; i < 50; i++) {
      assertThat(retry.backoff(1)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
      assertThat(retry.backoff(3)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
      assertThat(retry.backoff(19)).isBetween(Retry.MAX_BACKOFF.dividedBy(2), Retry.MAX_BACKOFF);
    }
  }

  @Test
  void await_timeout_cancelsAndFailsAsTransient() {
    CompletableFuture<String> never = new CompletableFuture<>();
    assertThatThrownBy(() -> Retry.await(never, Duration.ofMillis(50), "store: k"))
        .isInstanceOf(Retry.TransientIOException.class).hasMessageContaining("store: k: no answer within 50 ms");
    assertThat(never).isCancelled();
  }

  @Test
  void await_decidedFailure_passesItOnAsItIs() {
    NoSuchFileException missing = new NoSuchFileException("store: k");
    assertThatThrownBy(() -> Retry.await(CompletableFuture.failedFuture(new Retry.Decided(missing)),
        Duration.ofSeconds(1), "store: k")).isSameAs(missing);
    assertThatThrownBy(() -> Retry.await(CompletableFuture.failedFuture(new java.net.ConnectException("refused")),
        Duration.ofSeconds(1), "store: k")).isInstanceOf(Retry.TransientIOException.class)
        .hasMessage("store: k: ConnectException: refused");
  }
}
