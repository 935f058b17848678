// Kernels used only by the GPU checks (dev.stoker.cuda.GpuChecks).

// A synthetic training step: one thread busy-waits on the GPU's global nanosecond timer, so the
// kernel occupies the compute stream for `nanos` nanoseconds whatever the GPU's clock.
extern "C" __global__ void stoker_spin(long long nanos) {
  if (threadIdx.x != 0 || blockIdx.x != 0) {
    return;
  }
  unsigned long long start;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(start));
  unsigned long long now = start;
  while ((long long) (now - start) < nanos) {
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(now));
  }
}
