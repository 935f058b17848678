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
// One thread_local for all four, so a kernel reads them through one TLS lookup. (build.sh compiles
// with -fno-extern-tls-init: it has no dynamic initialisation.)
struct Builtins {
  uint3 threadIdx;
  uint3 blockIdx;
  dim3 blockDim;
  dim3 gridDim;
};
extern thread_local Builtins builtins;
void syncthreads();
unsigned long long globaltimer();
}  // namespace standin_rt
