// Describes a host-built kernel to the driver stand-in (a TEST FIXTURE): its parameter sizes and
// which are pointers, derived from the C++ function type, and how to call it with a launch's
// parameter bytes. The build (build.sh) generates one translation unit per .cu file that includes
// the .cu and registers each extern "C" __global__ kernel with STANDIN_KERNEL.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

namespace standin {

struct KernelDesc {
  const char* name;
  const char* source;
  void* fn;
  size_t count;
  size_t sizes[32];
  size_t offsets[32];
  bool pointers[32];
  size_t argBytes;
  bool barriers;              // calls __syncthreads: run each block's threads as fibers
  void* (*dynamicShared)();   // this file's extern __shared__ array, or null
  void (*invoke)(const KernelDesc*, const unsigned char* args);
};

void registerKernel(const KernelDesc* desc);
const size_t MAX_DYNAMIC_SHARED = 48 * 1024;

template <typename... A, size_t... I>
void invokeWith(const KernelDesc* d, const unsigned char* args, std::index_sequence<I...>) {
  auto f = (void (*)(A...))d->fn;
  f(*(const std::remove_cv_t<A>*)(args + d->offsets[I])...);
}

template <typename... A>
KernelDesc describe(const char* name, const char* source, void (*fn)(A...), bool barriers, void* (*dyn)()) {
  static_assert(sizeof...(A) <= 32, "at most 32 kernel parameters");
  KernelDesc d{};
  d.name = name;
  d.source = source;
  d.fn = (void*)fn;
  d.count = sizeof...(A);
  size_t sizes[] = {sizeof(A)..., 0};
  size_t aligns[] = {alignof(A)..., 1};
  bool pointers[] = {std::is_pointer<A>::value..., false};
  size_t offset = 0;
  for (size_t i = 0; i < d.count; i++) {
    offset = (offset + aligns[i] - 1) / aligns[i] * aligns[i];
    d.sizes[i] = sizes[i];
    d.offsets[i] = offset;
    d.pointers[i] = pointers[i];
    offset += sizes[i];
  }
  d.argBytes = offset;
  d.barriers = barriers;
  d.dynamicShared = dyn;
  d.invoke = [](const KernelDesc* k, const unsigned char* args) {
    invokeWith<A...>(k, args, std::index_sequence_for<A...>{});
  };
  return d;
}

}  // namespace standin

#define STANDIN_KERNEL(NAME, SOURCE, BARRIERS, DYN)                                          \
  static const standin::KernelDesc standin_desc_##NAME = standin::describe(#NAME, SOURCE, &NAME, BARRIERS, DYN); \
  static const int standin_reg_##NAME = (standin::registerKernel(&standin_desc_##NAME), 0);
