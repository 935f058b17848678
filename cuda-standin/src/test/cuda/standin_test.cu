// Kernels that misbehave on purpose, for cuda-standin's own tests (the stand-in must report each).
// Only the host build exists: the tests hand the stand-in a minimal fatbin naming them.

extern "C" __global__ void standin_test_write_past_end(float* p, int n) {
  if (threadIdx.x == 0 && blockIdx.x == 0) {
    p[n] = 1.0f;
  }
}

extern "C" __global__ void standin_test_shared_past_end(int n) {
  extern __shared__ float scratch[];
  if (threadIdx.x == 0) {
    scratch[n] = 1.0f;
  }
}

extern "C" __global__ void standin_test_divergent_barrier() {
  if (threadIdx.x == 0) {
    return;
  }
  __syncthreads();
}

// out[b * blockDim.x + t] = t of the mirrored thread: right only if the barrier holds every thread.
extern "C" __global__ void standin_test_mirror(int* out) {
  __shared__ int seen[1024];
  seen[threadIdx.x] = threadIdx.x;
  __syncthreads();
  out[blockIdx.x * blockDim.x + threadIdx.x] = seen[blockDim.x - 1 - threadIdx.x];
}
