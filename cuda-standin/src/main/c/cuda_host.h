// Maps the CUDA built-ins the project's kernels use onto C++, so that loader-cuda/src/main/cuda/*.cu
// and gpu-checks/src/main/cuda/*.cu compile with g++ into the driver stand-in (a TEST FIXTURE).
// The stand-in sets threadIdx/blockIdx/blockDim/gridDim before it runs each thread of a launch;
// kernels that call __syncthreads run each thread of a block as a fiber that yields at the barrier.
// __shared__ variables are thread_local: all fibers of a block run on the same stream worker thread.
#pragma once

#include <math.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#define STOKER_HOST_BUILD 1
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __noinline__
#define __restrict__ __restrict
#define __shared__ thread_local

#include "standin_rt.h"

#define threadIdx (standin_rt::builtins.threadIdx)
#define blockIdx (standin_rt::builtins.blockIdx)
#define blockDim (standin_rt::builtins.blockDim)
#define gridDim (standin_rt::builtins.gridDim)

inline void __syncthreads() { standin_rt::syncthreads(); }
inline unsigned long long stoker_host_globaltimer() { return standin_rt::globaltimer(); }

inline float __fmaf_rn(float a, float b, float c) { return fmaf(a, b, c); }
inline float __int_as_float(int v) {
  float f;
  memcpy(&f, &v, sizeof f);
  return f;
}
inline int __float_as_int(float f) {
  int v;
  memcpy(&v, &f, sizeof v);
  return v;
}

inline float atomicAdd(float* address, float value) {
  float old;
  __atomic_load(address, &old, __ATOMIC_RELAXED);
  float sum;
  do {
    sum = old + value;
  } while (!__atomic_compare_exchange(address, &old, &sum, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
  return old;
}
inline int atomicAdd(int* address, int value) { return __atomic_fetch_add(address, value, __ATOMIC_RELAXED); }
inline unsigned atomicAdd(unsigned* address, unsigned value) {
  return __atomic_fetch_add(address, value, __ATOMIC_RELAXED);
}
inline unsigned long long atomicAdd(unsigned long long* address, unsigned long long value) {
  return __atomic_fetch_add(address, value, __ATOMIC_RELAXED);
}

// IEEE binary16, converted with round-to-nearest-even like the GPU's __float2half_rn.
struct __half {
  unsigned short bits;
};

inline __half __float2half_rn(float f) {
  uint32_t x;
  memcpy(&x, &f, sizeof x);
  uint32_t sign = (x >> 16) & 0x8000u;
  uint32_t absx = x & 0x7FFFFFFFu;
  __half h;
  if (absx > 0x7F800000u) {  // NaN: the GPU's canonical half NaN
    h.bits = 0x7FFFu;
    return h;
  }
  if (absx == 0x7F800000u) {
    h.bits = (unsigned short)(sign | 0x7C00u);
    return h;
  }
  if (absx >= 0x477FF000u) {  // rounds to a magnitude >= 65520: overflow to Inf
    h.bits = (unsigned short)(sign | 0x7C00u);
    return h;
  }
  if (absx < 0x38800000u) {  // below the smallest normal half (2^-14): subnormal or zero
    if (absx < 0x33000000u) {  // below half the smallest subnormal (2^-25): zero (ties at 2^-25 handled below)
      h.bits = (unsigned short)sign;
      return h;
    }
    uint32_t mant = (absx & 0x7FFFFFu) | 0x800000u;
    // value = mant * 2^(e - 150) for the biased exponent e; in units of 2^-24 (the half subnormal
    // step) that is mant * 2^(e - 126): drop 126 - e bits, rounding to nearest even.
    int shift = 126 - (int)(absx >> 23);
    uint32_t q = mant >> shift;
    uint32_t rem = mant & ((1u << shift) - 1);
    uint32_t halfway = 1u << (shift - 1);
    if (rem > halfway || (rem == halfway && (q & 1u))) q++;
    h.bits = (unsigned short)(sign | q);
    return h;
  }
  uint32_t exp = (absx >> 23) - 112;  // rebias 127 -> 15
  uint32_t mant = absx & 0x7FFFFFu;
  uint32_t q = (exp << 10) | (mant >> 13);
  uint32_t rem = mant & 0x1FFFu;
  if (rem > 0x1000u || (rem == 0x1000u && (q & 1u))) q++;  // may carry into the exponent: still right
  h.bits = (unsigned short)(sign | q);
  return h;
}

inline float __half2float(__half h) {
  uint32_t sign = (uint32_t)(h.bits & 0x8000u) << 16;
  uint32_t exp = (h.bits >> 10) & 0x1Fu;
  uint32_t mant = h.bits & 0x3FFu;
  uint32_t x;
  if (exp == 0x1F) {
    x = sign | 0x7F800000u | (mant << 13);
  } else if (exp != 0) {
    x = sign | ((exp + 112) << 23) | (mant << 13);
  } else if (mant == 0) {
    x = sign;
  } else {
    int e = -1;
    do {
      e++;
      mant <<= 1;
    } while ((mant & 0x400u) == 0);
    x = sign | ((uint32_t)(112 - e) << 23) | ((mant & 0x3FFu) << 13);
  }
  float f;
  memcpy(&f, &x, sizeof f);
  return f;
}
