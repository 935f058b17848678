package dev.stoker.cuda.standin;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventQuery;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemHostAlloc;
import static jcuda.driver.JCudaDriver.cuMemHostGetDevicePointer;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;
import static jcuda.driver.JCudaDriver.cuStreamWaitValue32;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.nio.IntBuffer;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUstreamWaitValue_flags;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Events and queued work, held back deterministically by a gate: the stream waits (cuStreamWaitValue32) until
 * the test writes 1 into a pinned word.
 */
@Tag("standin")
@ExtendWith(StandinCheck.class)
class EventStandinTest {
  @Test
  void eventQuery_whileTheStreamIsHeld_isNotReadyThenSuccessAfterSynchronize() {
    try (Driver d = new Driver(0); Gate gate = new Gate()) {
      CUevent e = new CUevent();
      Driver.ok(cuEventCreate(e, 0));
      gate.hold();
      Driver.ok(cuEventRecord(e, gate.stream));

      int pending = cuEventQuery(e);
      gate.open();
      Driver.ok(cuEventSynchronize(e));
      int done = cuEventQuery(e);
      Driver.ok(cuEventDestroy(e));

      assertThat(pending).isEqualTo(CUresult.CUDA_ERROR_NOT_READY);
      assertThat(done).isEqualTo(CUresult.CUDA_SUCCESS);
    }
  }

  @Test
  void eventElapsedTime_onDisableTimingEvents_isInvalidHandle() {
    try (Driver d = new Driver(0); Gate gate = new Gate()) {
      CUevent a = new CUevent();
      CUevent b = new CUevent();
      CUevent timedA = new CUevent();
      CUevent timedB = new CUevent();
      Driver.ok(cuEventCreate(a, CUevent_flags.CU_EVENT_DISABLE_TIMING));
      Driver.ok(cuEventCreate(b, CUevent_flags.CU_EVENT_DISABLE_TIMING));
      Driver.ok(cuEventCreate(timedA, 0));
      Driver.ok(cuEventCreate(timedB, 0));
      for (CUevent e : new CUevent[] {a, timedA, b, timedB}) {
        Driver.ok(cuEventRecord(e, gate.stream));
      }
      Driver.ok(cuStreamSynchronize(gate.stream));
      float[] ms = new float[1];

      int untimed = cuEventElapsedTime(ms, a, b);
      int timed = cuEventElapsedTime(ms, timedA, timedB);
      for (CUevent e : new CUevent[] {a, timedA, b, timedB}) {
        Driver.ok(cuEventDestroy(e));
      }

      assertThat(untimed).isEqualTo(CUresult.CUDA_ERROR_INVALID_HANDLE);
      assertThat(timed).as("negative control: timing events").isEqualTo(CUresult.CUDA_SUCCESS);
      assertThat(ms[0]).isGreaterThanOrEqualTo(0f);
    }
  }

  @Test
  void memFree_underAQueuedCopy_isRecorded() {
    try (Driver d = new Driver(0); Gate gate = new Gate()) {
      Pointer host = new Pointer();
      Driver.ok(cuMemHostAlloc(host, 64, 0));
      CUdeviceptr dev = new CUdeviceptr();
      CUdeviceptr idle = new CUdeviceptr();
      Driver.ok(cuMemAlloc(dev, 64));
      Driver.ok(cuMemAlloc(idle, 64));
      gate.hold();
      Driver.ok(cuMemcpyHtoDAsync(dev, host, 64, gate.stream));

      Driver.ok(cuMemFree(idle));
      assertThat(CudaStandin.problems()).as("negative control: a free of memory no queued copy uses").isEmpty();
      Driver.ok(cuMemFree(dev));
      gate.open();
      Driver.ok(cuStreamSynchronize(gate.stream));
      Driver.ok(cuMemFreeHost(host));

      assertThat(CudaStandin.problems()).singleElement().asString()
          .contains("cuMemFree").contains("queued stream operation");
      CudaStandin.clearProblems();
    }
  }

  @Test
  void asyncCopyFromPinnedMemory_readsTheSourceWhenItExecutes_pageableIsStagedAtTheCall() {
    try (Driver d = new Driver(0); Gate gate = new Gate()) {
      Pointer pinned = new Pointer();
      Driver.ok(cuMemHostAlloc(pinned, 4, 0));
      IntBuffer source = pinned.getByteBuffer(0, 4).order(ByteOrder.nativeOrder()).asIntBuffer();
      int[] pageable = {1};
      CUdeviceptr fromPinned = new CUdeviceptr();
      CUdeviceptr fromPageable = new CUdeviceptr();
      Driver.ok(cuMemAlloc(fromPinned, 4));
      Driver.ok(cuMemAlloc(fromPageable, 4));
      source.put(0, 1);
      gate.hold();
      Driver.ok(cuMemcpyHtoDAsync(fromPinned, pinned, 4, gate.stream));
      Driver.ok(cuMemcpyHtoDAsync(fromPageable, Pointer.to(pageable), 4, gate.stream));

      source.put(0, 2);  // like a producer reusing a slot whose copy is still queued
      pageable[0] = 2;
      gate.open();
      Driver.ok(cuStreamSynchronize(gate.stream));
      int[] pinnedCopy = new int[1];
      int[] pageableCopy = new int[1];
      Driver.ok(cuMemcpyDtoH(Pointer.to(pinnedCopy), fromPinned, 4));
      Driver.ok(cuMemcpyDtoH(Pointer.to(pageableCopy), fromPageable, 4));
      Driver.ok(cuMemFree(fromPinned));
      Driver.ok(cuMemFree(fromPageable));
      Driver.ok(cuMemFreeHost(pinned));

      assertThat(pinnedCopy[0]).as("the pinned source as the copy executed").isEqualTo(2);
      assertThat(pageableCopy[0]).as("negative control: pageable memory is staged when the call returns")
          .isEqualTo(1);
    }
  }

  /** A stream held at a pinned word until {@link #open()}. */
  static final class Gate implements AutoCloseable {
    final CUstream stream = new CUstream();
    private final Pointer word = new Pointer();
    private final IntBuffer value;
    private final CUdeviceptr address = new CUdeviceptr();

    Gate() {
      this(0);
    }

    Gate(int streamFlags) {
      Driver.ok(cuStreamCreate(stream, streamFlags));
      Driver.ok(cuMemHostAlloc(word, 4, 0));
      value = word.getByteBuffer(0, 4).order(ByteOrder.nativeOrder()).asIntBuffer();
      value.put(0, 0);
      Driver.ok(cuMemHostGetDevicePointer(address, word, 0));
    }

    void hold() {
      value.put(0, 0);
      Driver.ok(cuStreamWaitValue32(stream, address, 1, CUstreamWaitValue_flags.CU_STREAM_WAIT_VALUE_EQ));
    }

    void open() {
      value.put(0, 1);
    }

    @Override
    public void close() {
      open();
      Driver.ok(cuStreamSynchronize(stream));
      Driver.ok(cuStreamDestroy(stream));
      Driver.ok(cuMemFreeHost(word));
    }
  }
}
