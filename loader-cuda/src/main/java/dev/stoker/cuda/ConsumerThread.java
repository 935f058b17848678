package dev.stoker.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxSetFlags;

import dev.stoker.api.LoaderException;
import dev.stoker.cuda.internal.Cuda;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import jcuda.driver.CUcontext;
import jcuda.driver.CUctx_flags;
import jcuda.driver.CUdevice;

/**
 * The one platform thread on which a feed consumes batches and makes every CUDA call. With CUDA
 * it makes device 0's primary context current first (the context the CUDA runtime and JCublas
 * share, so a host trainer's buffers are valid here), asking for blocking synchronization so that
 * a waiting thread sleeps instead of spinning a core.
 */
final class ConsumerThread implements AutoCloseable {
  /** {@code CUDA_ERROR_PRIMARY_CONTEXT_ACTIVE}: flags cannot change once a trainer activated the context. */
  private static final int PRIMARY_CONTEXT_ACTIVE = 708;
  private final ExecutorService executor;
  private final boolean cuda;
  private volatile Thread thread;
  private CUdevice device;

  private ConsumerThread(boolean cuda) {
    this.cuda = cuda;
    this.executor = Executors.newSingleThreadExecutor(runnable -> {
      Thread t = Thread.ofPlatform().name("stoker-consumer").daemon().unstarted(runnable);
      thread = t;
      return t;
    });
  }

  /** A consumer thread; with {@code cuda}, one whose current context is device 0's primary context. */
  static ConsumerThread start(boolean cuda) {
    ConsumerThread consumer = new ConsumerThread(cuda);
    if (cuda) {
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
    CUdevice dev = new CUdevice();
    Cuda.check(cuDeviceGet(dev, 0), "cuDeviceGet");
    int rc = cuDevicePrimaryCtxSetFlags(dev, CUctx_flags.CU_CTX_SCHED_BLOCKING_SYNC);
    if (rc != Cuda.SUCCESS && rc != PRIMARY_CONTEXT_ACTIVE) {
      Cuda.check(rc, "cuDevicePrimaryCtxSetFlags");
    }
    CUcontext context = new CUcontext();
    Cuda.check(cuDevicePrimaryCtxRetain(context, dev), "cuDevicePrimaryCtxRetain");
    Cuda.check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
    device = dev;
    return null;
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

  /** Releases the primary context (after {@code cleanup} ran on this thread) and stops the thread. */
  void close(Runnable cleanup) {
    try {
      call(() -> {
        try {
          cleanup.run();
        } finally {
          if (cuda && device != null) {
            cuDevicePrimaryCtxRelease(device);
          }
        }
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
