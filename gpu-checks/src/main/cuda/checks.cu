// Kernels used only by the GPU checks (dev.stoker.cuda.checks.GpuChecks).

// The GPU's global nanosecond timer. STOKER_HOST_BUILD: the CPU build of this file inside the CUDA
// driver stand-in (cuda-standin, a test fixture) reads a host clock instead.
__device__ __forceinline__ unsigned long long globalTimer() {
#ifdef STOKER_HOST_BUILD
  return stoker_host_globaltimer();
#else
  unsigned long long t;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
  return t;
#endif
}

// A synthetic training step: one thread busy-waits on the GPU's global nanosecond timer, so the
// kernel occupies the compute stream for `nanos` nanoseconds whatever the GPU's clock.
extern "C" __global__ void stoker_spin(long long nanos) {
  if (threadIdx.x != 0 || blockIdx.x != 0) {
    return;
  }
  const unsigned long long start = globalTimer();
  unsigned long long now = start;
  while ((long long) (now - start) < nanos) {
    now = globalTimer();
  }
}
