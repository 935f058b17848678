package dev.stoker.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;

import dev.stoker.api.LoaderException;
import dev.stoker.cuda.internal.Cuda;
import dev.stoker.cuda.internal.PrimaryContext;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;

/**
 * The one platform thread on which a feed consumes batches and makes every CUDA call. With CUDA
 * it makes its device's primary context current first (the context the CUDA runtime and JCublas
 * share, so a host trainer's buffers are valid here), asking for blocking synchronization so that
 * a waiting thread sleeps instead of spinning a core.
 */
final class ConsumerThread implements AutoCloseable {
  /** No device: the host path. */
  static final int HOST = -1;
  private final ExecutorService executor;
  private final int ordinal;
  private volatile Thread thread;
  private CUdevice device;

  private ConsumerThread(int ordinal) {
    this.ordinal = ordinal;
    String name = ordinal == HOST ? "stoker-consumer" : "stoker-consumer-cuda" + ordinal;
    this.executor = Executors.newSingleThreadExecutor(runnable -> {
      Thread t = Thread.ofPlatform().name(name).daemon().unstarted(runnable);
      thread = t;
      return t;
    });
  }

  /**
   * A consumer thread; for a device ordinal (0 or more) one whose current context is that
   * device's primary context, for {@link #HOST} one without CUDA.
   */
  static ConsumerThread start(int ordinal) {
    ConsumerThread consumer = new ConsumerThread(ordinal);
    if (ordinal != HOST) {
      try {
        consumer.call(consumer::bindPrimaryContext);
      } catch (RuntimeException e) {
        consumer.executor.shutdownNow();
        throw e;
      }
    }
    return consumer;
  }

  private Void bindPrimaryContext() {
    CUdevice dev = PrimaryContext.device(ordinal);
    CUcontext context = PrimaryContext.retain(dev);
    try {
      Cuda.check(() -> cuCtxSetCurrent(context), "cuCtxSetCurrent");
    } catch (RuntimeException e) {
      new Cuda.Errors(e).check(PrimaryContext.release(dev), "cuDevicePrimaryCtxRelease");
      throw e;
    }
    device = dev;
    return null;
  }

  /** The device ordinal whose primary context this thread holds, or {@link #HOST}. */
  int ordinal() {
    return ordinal;
  }

  /** Whether the calling thread is this consumer thread. */
  boolean isCurrent() {
    return Thread.currentThread() == thread;
  }

  /**
   * Runs {@code work} on this thread and returns its result; runs it directly when already on it.
   * A checked exception from {@code work} arrives wrapped in a {@link LoaderException}.
   */
  <T> T call(Callable<T> work) {
    if (isCurrent()) {
      return callHere(work);
    }
    Future<T> result = executor.submit(() -> callHere(work));
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result.cancel(true);
      throw new LoaderException("interrupted while waiting for the consumer thread", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new LoaderException(String.valueOf(cause), cause);
    }
  }

  private static <T> T callHere(Callable<T> work) {
    try {
      return work.call();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new LoaderException(e.toString(), e);
    }
  }

  /**
   * Releases the primary context (after {@code cleanup} ran on this thread) and stops the thread.
   * If {@code cleanup} fails, that failure is thrown with a failing release suppressed in it.
   */
  void close(Runnable cleanup) {
    try {
      call(() -> {
        Cuda.Errors errors = new Cuda.Errors();
        errors.run(cleanup);
        if (device != null) {
          CUdevice dev = device;
          device = null;
          errors.check(Cuda.rc(() -> cuCtxSetCurrent(new CUcontext())), "cuCtxSetCurrent(none)");
          errors.check(PrimaryContext.release(dev), "cuDevicePrimaryCtxRelease");
        }
        errors.throwIfAny();
        return null;
      });
    } finally {
      executor.shutdown();
      try {
        executor.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    close(() -> { });
  }
}
