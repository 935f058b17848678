package dev.stoker.cuda.standin;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemHostAlloc;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;
import static jcuda.driver.JCudaDriver.cuStreamWaitEvent;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.nio.IntBuffer;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUstream;
import jcuda.driver.CUevent_flags;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Streams run asynchronously, each on its own worker with random delays: a read on stream B of what stream A
 * copies is right only when B waits for A's event. The pair of tests is the negative control of each other.
 */
@Tag("standin")
@ExtendWith(StandinCheck.class)
class StreamOrderingStandinTest {
  private static final int TRIES = 40;
  private static final int INTS = 256;

  @Test
  void copyOnStreamB_withoutWaitingForStreamA_readsStaleDataAtLeastOnce() {
    assertThat(wrongReads(false)).isPositive();
  }

  @Test
  void copyOnStreamB_afterCuStreamWaitEvent_alwaysReadsWhatStreamACopied() {
    assertThat(wrongReads(true)).isZero();
  }

  @Test
  void copyOnOneStream_readBeforeSynchronize_seesTheOldBytesAtLeastOnce() {
    try (Driver d = new Driver(0)) {
      CUstream s = new CUstream();
      Driver.ok(cuStreamCreate(s, 0));
      Pointer src = new Pointer();
      Pointer dst = new Pointer();
      Driver.ok(cuMemHostAlloc(src, INTS * 4L, 0));
      Driver.ok(cuMemHostAlloc(dst, INTS * 4L, 0));
      CUdeviceptr dev = new CUdeviceptr();
      Driver.ok(cuMemAlloc(dev, INTS * 4L));
      IntBuffer in = ints(src);
      IntBuffer out = ints(dst);
      int early = 0;
      int late = 0;
      for (int t = 1; t <= TRIES; t++) {
        fill(in, t);
        Driver.ok(cuMemcpyHtoDAsync(dev, src, INTS * 4L, s));
        Driver.ok(cuMemcpyDtoHAsync(dst, dev, INTS * 4L, s));
        early += out.get(INTS - 1) == t ? 0 : 1;  // no synchronize yet: the copy may still be pending
        Driver.ok(cuStreamSynchronize(s));
        late += out.get(INTS - 1) == t ? 0 : 1;
      }
      Driver.ok(cuMemFree(dev));
      Driver.ok(cuMemFreeHost(src));
      Driver.ok(cuMemFreeHost(dst));
      Driver.ok(cuStreamDestroy(s));

      assertThat(early).as("host reads before cuStreamSynchronize that missed the copy").isPositive();
      assertThat(late).as("negative control: after cuStreamSynchronize").isZero();
    }
  }

  private static int wrongReads(boolean wait) {
    try (Driver d = new Driver(0)) {
      CUstream a = new CUstream();
      CUstream b = new CUstream();
      Driver.ok(cuStreamCreate(a, 0));
      Driver.ok(cuStreamCreate(b, 0));
      CUevent copied = new CUevent();
      Driver.ok(cuEventCreate(copied, CUevent_flags.CU_EVENT_DISABLE_TIMING));
      Pointer src = new Pointer();
      Pointer dst = new Pointer();
      Driver.ok(cuMemHostAlloc(src, INTS * 4L, 0));
      Driver.ok(cuMemHostAlloc(dst, INTS * 4L, 0));
      CUdeviceptr dev = new CUdeviceptr();
      Driver.ok(cuMemAlloc(dev, INTS * 4L));
      IntBuffer in = ints(src);
      IntBuffer out = ints(dst);
      int wrong = 0;
      for (int t = 1; t <= TRIES; t++) {
        fill(in, t);
        Driver.ok(cuMemcpyHtoDAsync(dev, src, INTS * 4L, a));
        Driver.ok(cuEventRecord(copied, a));
        if (wait) {
          Driver.ok(cuStreamWaitEvent(b, copied, 0));
        }
        Driver.ok(cuMemcpyDtoHAsync(dst, dev, INTS * 4L, b));
        Driver.ok(cuStreamSynchronize(b));
        Driver.ok(cuStreamSynchronize(a));  // the next fill must not race this try's copy
        for (int i = 0; i < INTS; i++) {
          if (out.get(i) != t) {
            wrong++;
            break;
          }
        }
      }
      Driver.ok(cuMemFree(dev));
      Driver.ok(cuMemFreeHost(src));
      Driver.ok(cuMemFreeHost(dst));
      Driver.ok(cuEventDestroy(copied));
      Driver.ok(cuStreamDestroy(a));
      Driver.ok(cuStreamDestroy(b));
      return wrong;
    }
  }

  static IntBuffer ints(Pointer pinned) {
    return pinned.getByteBuffer(0, INTS * 4L).order(ByteOrder.nativeOrder()).asIntBuffer();
  }

  static void fill(IntBuffer b, int value) {
    for (int i = 0; i < b.capacity(); i++) {
      b.put(i, value);
    }
  }
}
