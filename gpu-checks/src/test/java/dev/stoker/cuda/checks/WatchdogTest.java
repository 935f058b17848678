package dev.stoker.cuda.checks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.LoaderException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class WatchdogTest {
  /** Parks until interrupted, on a thread it started itself: what a feed check stuck in a drain looks like. */
  static Verdict hangInHelperThread(AtomicReference<Thread> helper) throws InterruptedException {
    CountDownLatch never = new CountDownLatch(1);
    Thread t = Thread.ofPlatform().name("stuck consumer").daemon().start(() -> {
      try {
        never.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    helper.set(t);
    never.await();
    return Verdict.pass("unreachable");
  }

  @Test
  void run_checkThatHangs_timesOutWithTheStacksOfItsThreadAndTheThreadsItStarted() {
    AtomicReference<Thread> helper = new AtomicReference<>();

    Watchdog.Outcome o = Watchdog.run("hanging", () -> hangInHelperThread(helper), Duration.ofMillis(300));
    helper.get().interrupt();

    assertThat(o.passed()).isFalse();
    assertThat(o.timedOut()).isTrue();
    assertThat(o.detail()).startsWith("timed out after");
    assertThat(o.threadDump()).contains("\"gpu-check hanging\"").contains("hangInHelperThread")
        .contains("\"stuck consumer\"");
  }

  @Test
  void run_checkThatHangs_itsThreadIsADaemonAndIsInterrupted() throws Exception {
    AtomicReference<Thread> checkThread = new AtomicReference<>();
    CountDownLatch interrupted = new CountDownLatch(1);

    Watchdog.run("hanging", () -> {
      checkThread.set(Thread.currentThread());
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        interrupted.countDown();
      }
      return Verdict.pass("");
    }, Duration.ofMillis(200));

    assertThat(checkThread.get().isDaemon()).isTrue();
    interrupted.await();
  }

  @Test
  void run_checkThatReturns_notTimedOutAndItsVerdictKept() {
    Watchdog.Outcome pass = Watchdog.run("quick", () -> Verdict.pass("fine"), Duration.ofSeconds(30));
    Watchdog.Outcome fail = Watchdog.run("quick", () -> Verdict.fail("wrong data"), Duration.ofSeconds(30));

    assertThat(pass).extracting(Watchdog.Outcome::passed, Watchdog.Outcome::timedOut, Watchdog.Outcome::detail)
        .containsExactly(true, false, "fine");
    assertThat(fail).extracting(Watchdog.Outcome::passed, Watchdog.Outcome::timedOut, Watchdog.Outcome::detail)
        .containsExactly(false, false, "wrong data");
    assertThat(pass.threadDump()).isEmpty();
  }

  @Test
  void run_checkThatThrows_failsNamingTheExceptionAndItsRootCause() {
    Watchdog.Outcome o = Watchdog.run("throws", () -> {
      throw new LoaderException("pipeline failed", new IllegalStateException("producer broke"));
    }, Duration.ofSeconds(30));

    assertThat(o.passed()).isFalse();
    assertThat(o.timedOut()).isFalse();
    assertThat(o.error()).isInstanceOf(LoaderException.class);
    assertThat(o.detail()).contains("LoaderException: pipeline failed")
        .contains("java.lang.IllegalStateException: producer broke");
  }

  @Test
  void run_checkWithoutVerdict_fails() {
    assertThat(Watchdog.run("null", () -> null, Duration.ofSeconds(30)).passed()).isFalse();
  }
}
