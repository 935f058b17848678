package dev.stoker.pipeline;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The decode workers: a fixed set of daemon threads taking samples from one shared queue. A
 * shared queue rather than one queue per worker (Reactor's parallel scheduler pins each task to a
 * worker chosen in turn), so a worker that finishes early takes the next sample instead of idling
 * behind a slow image on another worker's queue.
 *
 * <p>Whatever escapes a task on a worker (Reactor hands what it cannot signal downstream, such as
 * a JVM-fatal error, to the thread's uncaught-exception handler) goes to the {@code uncaught}
 * handler, which ends the run: a sample lost that way would otherwise leave it waiting for ever.
 */
final class DecodeWorkers {
  private DecodeWorkers() {}

  static ThreadPoolExecutor create(int threads, Consumer<Throwable> uncaught) {
    AtomicInteger count = new AtomicInteger();
    ThreadFactory factory = task -> {
      Thread thread = new Thread(task, "stoker-decode-" + count.incrementAndGet());
      thread.setDaemon(true);
      thread.setUncaughtExceptionHandler((t, e) -> uncaught.accept(e));
      return thread;
    };
    return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), factory);
  }
}
