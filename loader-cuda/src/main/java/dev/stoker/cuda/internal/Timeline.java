package dev.stoker.cuda.internal;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;

import jcuda.driver.CUevent;
import jcuda.driver.CUstream;

/**
 * Timing events around each batch's copy and compute, for the GPU checks' overlap timeline. The
 * feed's normal path uses {@link #NONE}, which records nothing. Consumer thread only.
 */
public class Timeline implements AutoCloseable {
  /** Records nothing. */
  public static final Timeline NONE = new Timeline();

  public void copyStarts(long batch, CUstream stream) {}

  public void copyEnds(long batch, CUstream stream) {}

  public void computeStarts(long batch, CUstream stream) {}

  public void computeEnds(long batch, CUstream stream) {}

  @Override
  public void close() {}

  /** Records timing events for the first {@code batches} batches. */
  public static Recording recording(int batches) {
    return new Recording(batches);
  }

  /** A timeline that records; read it with {@link #millis()} after the run. */
  public static final class Recording extends Timeline {
    private final CUevent[][] events;

    private Recording(int batches) {
      events = new CUevent[batches][4];
      try {
        for (CUevent[] row : events) {
          for (int i = 0; i < row.length; i++) {
            CUevent event = new CUevent();
            Cuda.check(() -> cuEventCreate(event, 0), "cuEventCreate(timing)");
            row[i] = event;
          }
        }
      } catch (RuntimeException e) {
        new Cuda.Errors(e).run(this::close);
        throw e;
      }
    }

    private void record(long batch, int which, CUstream stream) {
      if (batch < events.length) {
        CUevent event = events[(int) batch][which];
        Cuda.check(() -> cuEventRecord(event, stream), "cuEventRecord(timing)");
      }
    }

    @Override
    public void copyStarts(long batch, CUstream stream) {
      record(batch, 0, stream);
    }

    @Override
    public void copyEnds(long batch, CUstream stream) {
      record(batch, 1, stream);
    }

    @Override
    public void computeStarts(long batch, CUstream stream) {
      record(batch, 2, stream);
    }

    @Override
    public void computeEnds(long batch, CUstream stream) {
      record(batch, 3, stream);
    }

    /**
     * Per recorded batch, milliseconds since the first batch's copy started: copy start, copy end,
     * compute start, compute end. Waits for the events; call after the run.
     */
    public double[][] millis(int recorded) {
      int n = Math.min(recorded, events.length);
      double[][] out = new double[n][4];
      float[] ms = {0};
      for (int b = 0; b < n; b++) {
        for (int i = 0; i < 4; i++) {
          CUevent event = events[b][i];
          Cuda.check(() -> cuEventSynchronize(event), "cuEventSynchronize(timing)");
          Cuda.check(() -> cuEventElapsedTime(ms, events[0][0], event), "cuEventElapsedTime");
          out[b][i] = ms[0];
        }
      }
      return out;
    }

    @Override
    public void close() {
      Cuda.Errors errors = new Cuda.Errors();
      for (CUevent[] row : events) {
        for (CUevent e : row) {
          if (e != null) {
            errors.check(Cuda.rc(() -> cuEventDestroy(e)), "cuEventDestroy(timing)");
          }
        }
      }
      errors.throwIfAny();
    }
  }
}
