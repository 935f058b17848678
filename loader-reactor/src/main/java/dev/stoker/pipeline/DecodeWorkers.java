package dev.stoker.pipeline;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The decode workers: a fixed set of daemon threads taking samples from one shared queue. A
 * shared queue rather than one queue per worker (Reactor's parallel scheduler pins each task to a
 * worker chosen in turn), so a worker that finishes early takes the next sample instead of idling
 * behind a slow image on another worker's queue.
 */
final class DecodeWorkers {
  private DecodeWorkers() {}

  static ExecutorService create(int threads) {
    AtomicInteger count = new AtomicInteger();
    ThreadFactory factory = task -> {
      Thread thread = new Thread(task, "stoker-decode-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
    return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), factory);
  }
}
