package dev.stoker.cuda.standin;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemHostAlloc;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.cuda.standin.EventStandinTest.Gate;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("standin")
@ExtendWith(StandinCheck.class)
class ContextAndDefaultStreamStandinTest {
  @Test
  void primaryContext_retainedTwice_staysUsableUntilTheSecondRelease() {
    Driver d = new Driver(1);  // retained once and current; released below, not closed
    CUcontext again = new CUcontext();
    Driver.ok(cuDevicePrimaryCtxRetain(again, d.device));
    Driver.ok(cuDevicePrimaryCtxRelease(d.device));
    CUdeviceptr p = new CUdeviceptr();
    int oneRetainLeft = cuMemAlloc(p, 8);
    Driver.ok(cuMemFree(p));
    Driver.ok(cuDevicePrimaryCtxRelease(d.device));

    int releasedToZero = cuMemAlloc(new CUdeviceptr(), 8);  // the context is still this thread's current one
    Driver.ok(cuCtxSetCurrent(new CUcontext()));

    assertThat(oneRetainLeft).isZero();
    assertThat(releasedToZero).isEqualTo(CUresult.CUDA_ERROR_INVALID_CONTEXT);
  }

  @Test
  void legacyDefaultStream_waitsForABlockingStream() {
    assertThat(legacyReadAfterHeldCopy(0)).as("the copy the held blocking stream had queued").isEqualTo(7);
  }

  @Test
  void legacyDefaultStream_doesNotWaitForANonBlockingStream() {
    assertThat(legacyReadAfterHeldCopy(CUstream_flags.CU_STREAM_NON_BLOCKING)).as("negative control: before the copy")
        .isEqualTo(1);
  }

  /** Queues a copy of 7 on a held stream, then reads on the legacy default stream (handle 0). */
  private static int legacyReadAfterHeldCopy(int streamFlags) {
    try (Driver d = new Driver(0); Gate gate = new Gate(streamFlags)) {
      Pointer host = new Pointer();
      Driver.ok(cuMemHostAlloc(host, 8, 0));
      IntBuffer words = host.getByteBuffer(0, 8).order(ByteOrder.nativeOrder()).asIntBuffer();
      CUdeviceptr dev = new CUdeviceptr();
      Driver.ok(cuMemAlloc(dev, 4));
      Driver.ok(cuMemcpyHtoD(dev, Pointer.to(new int[] {1}), 4));
      words.put(0, 7);
      gate.hold();
      Driver.ok(cuMemcpyHtoDAsync(dev, host, 4, gate.stream));
      Driver.ok(cuMemcpyDtoHAsync(host.withByteOffset(4), dev, 4, new CUstream()));
      if (streamFlags != 0) {
        Driver.ok(cuStreamSynchronize(new CUstream()));  // does not wait for the held stream
      }
      gate.open();
      Driver.ok(cuStreamSynchronize(new CUstream()));
      Driver.ok(cuStreamSynchronize(gate.stream));
      int read = words.get(1);
      Driver.ok(cuMemFree(dev));
      Driver.ok(cuMemFreeHost(host));
      return read;
    }
  }
}
