// What the driver stand-in (a TEST FIXTURE) and the host builds of the kernels share: the CUDA
// built-in index variables, set by the stand-in before each thread runs, and the barrier.
#pragma once

struct uint3 {
  unsigned x, y, z;
};
struct dim3 {
  unsigned x, y, z;
};

namespace standin_rt {
extern thread_local uint3 threadIdx;
extern thread_local uint3 blockIdx;
extern thread_local dim3 blockDim;
extern thread_local dim3 gridDim;
void syncthreads();
unsigned long long globaltimer();
}  // namespace standin_rt

