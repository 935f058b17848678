// Driver stand-in: copies and memsets. A copy's device side must lie in one live device
// allocation; its host side is pinned (range checked, read or written when the copy executes on
// its stream's worker) or pageable (staged at the call for an asynchronous host-to-device copy,
// synchronous otherwise, as on a driver). A TEST FIXTURE, not a GPU.
#include <cstring>
#include <memory>

#include "standin.h"

namespace standin {

// Where a copy touches device memory: [p, p + n) must lie in one live device allocation.
static CUresult deviceRange(uintptr_t p, size_t n, const char* call, std::vector<Allocation*>* uses) {
  Allocation* a = findAllocation(p);
  if (a == nullptr || a->kind != Kind::DEVICE) {
    problem(format("%s: 0x%llx is not device memory the stand-in allocated", call, (unsigned long long)p));
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (!a->live) {
    problem(format("use after free: %s on device allocation #%llu (%zu bytes), already freed", call,
                   (unsigned long long)a->id, a->size));
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (n > a->size - (p - a->base)) {
    problem(format("%s: %zu bytes at offset %zu run past the end of device allocation #%llu (%zu bytes)", call, n,
                   (size_t)(p - a->base), (unsigned long long)a->id, a->size));
    return CUDA_ERROR_INVALID_VALUE;
  }
  uses->push_back(a);
  return CUDA_SUCCESS;
}

// Where a copy touches host memory: pinned (*pinned = true, range checked) or pageable.
static CUresult hostRange(const void* ptr, size_t n, const char* call, std::vector<Allocation*>* uses, bool* pinned) {
  if (ptr == nullptr) return CUDA_ERROR_INVALID_VALUE;
  Allocation* a = findAllocation((uintptr_t)ptr);
  *pinned = false;
  if (a == nullptr) return CUDA_SUCCESS;
  uintptr_t p = (uintptr_t)ptr;
  if (a->kind == Kind::DEVICE) {
    problem(format("%s: host pointer 0x%llx is device allocation #%llu", call, (unsigned long long)p,
                   (unsigned long long)a->id));
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (!a->live) {
    problem(format("use after free: %s on pinned allocation #%llu (%zu bytes), already freed", call,
                   (unsigned long long)a->id, a->size));
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (n > a->size - (p - a->base)) {
    problem(format("%s: %zu bytes at offset %zu run past the end of pinned allocation #%llu (%zu bytes)", call, n,
                   (size_t)(p - a->base), (unsigned long long)a->id, a->size));
    return CUDA_ERROR_INVALID_VALUE;
  }
  *pinned = true;
  uses->push_back(a);
  return CUDA_SUCCESS;
}

CUresult checkDeviceRange(uintptr_t p, size_t n, const char* call, std::vector<Allocation*>* uses) {
  Guard g(bigLock);
  return deviceRange(p, n, call, uses);
}

// Copies n bytes dst <- src on stream handle (0: legacy default stream). sync: the call returns
// when the copy executed. src is read when the copy executes, unless stage (pageable HtoD async).
static CUresult copy(void* dst, const void* src, size_t n, void* handle, bool sync, bool stage,
                     std::vector<Allocation*> uses, const char* what) {
  Context* ctx;
  Stream* s;
  CUresult rc = currentStream(handle, &ctx, &s);
  if (rc != CUDA_SUCCESS) return rc;
  if (n == 0) return CUDA_SUCCESS;
  Op op;
  op.uses = std::move(uses);
  op.what = what;
  if (stage) {
    auto staged = std::make_shared<std::vector<unsigned char>>((const unsigned char*)src,
                                                               (const unsigned char*)src + n);
    op.run = [dst, staged, n] { memcpy(dst, staged->data(), n); };
  } else {
    op.run = [dst, src, n] { memcpy(dst, src, n); };
  }
  uint64_t position = enqueue(s, std::move(op));
  if (sync) {
    waitFor(s, position);
    return ctx->sticky;
  }
  return CUDA_SUCCESS;
}

static CUresult htod(CUdeviceptr dst, const void* src, size_t n, void* stream, bool async, const char* call) {
  std::vector<Allocation*> uses;
  bool pinned;
  {
    Guard g(bigLock);
    if (!initialized) return CUDA_ERROR_NOT_INITIALIZED;
    CUresult rc = deviceRange((uintptr_t)dst, n, call, &uses);
    if (rc == CUDA_SUCCESS) rc = hostRange(src, n, call, &uses, &pinned);
    if (rc != CUDA_SUCCESS) return rc;
  }
  return copy((void*)(uintptr_t)dst, src, n, stream, !async, async && !pinned, std::move(uses), call);
}

static CUresult dtoh(void* dst, CUdeviceptr src, size_t n, void* stream, bool async, const char* call) {
  std::vector<Allocation*> uses;
  bool pinned;
  {
    Guard g(bigLock);
    if (!initialized) return CUDA_ERROR_NOT_INITIALIZED;
    CUresult rc = deviceRange((uintptr_t)src, n, call, &uses);
    if (rc == CUDA_SUCCESS) rc = hostRange(dst, n, call, &uses, &pinned);
    if (rc != CUDA_SUCCESS) return rc;
  }
  // to pageable memory even the asynchronous copy returns only once it is done
  return copy(dst, (const void*)(uintptr_t)src, n, stream, !async || !pinned, false, std::move(uses), call);
}

static CUresult dtod(CUdeviceptr dst, CUdeviceptr src, size_t n, void* stream, bool async, const char* call) {
  std::vector<Allocation*> uses;
  {
    Guard g(bigLock);
    if (!initialized) return CUDA_ERROR_NOT_INITIALIZED;
    CUresult rc = deviceRange((uintptr_t)dst, n, call, &uses);
    if (rc == CUDA_SUCCESS) rc = deviceRange((uintptr_t)src, n, call, &uses);
    if (rc != CUDA_SUCCESS) return rc;
  }
  return copy((void*)(uintptr_t)dst, (const void*)(uintptr_t)src, n, stream, !async, false, std::move(uses), call);
}

template <typename T>
static CUresult memsetT(CUdeviceptr dst, T value, size_t count, void* handle, bool async, const char* call) {
  Context* ctx;
  CUresult rc = needContext(&ctx);
  if (rc != CUDA_SUCCESS) return rc;
  if ((uintptr_t)dst % sizeof(T) != 0) return CUDA_ERROR_INVALID_VALUE;
  Op op;
  {
    Guard g(bigLock);
    rc = deviceRange((uintptr_t)dst, count * sizeof(T), call, &op.uses);
    if (rc != CUDA_SUCCESS) return rc;
  }
  Stream* s;
  rc = resolveStream(handle, ctx, &s);
  if (rc != CUDA_SUCCESS) return rc;
  op.what = call;
  op.run = [dst, value, count] {
    T* p = (T*)(uintptr_t)dst;
    for (size_t i = 0; i < count; i++) p[i] = value;
  };
  uint64_t position = enqueue(s, std::move(op));
  if (!async) {
    waitFor(s, position);
    return ctx->sticky;
  }
  return CUDA_SUCCESS;
}

}  // namespace standin

using namespace standin;
// ---- copies ----

STANDIN_API CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void* src, size_t n) {
  return htod(dst, src, n, nullptr, false, "cuMemcpyHtoD");
}
STANDIN_API CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void* src, size_t n, void* stream) {
  return htod(dst, src, n, stream, true, "cuMemcpyHtoDAsync");
}
STANDIN_API CUresult cuMemcpyDtoH_v2(void* dst, CUdeviceptr src, size_t n) {
  return dtoh(dst, src, n, nullptr, false, "cuMemcpyDtoH");
}
STANDIN_API CUresult cuMemcpyDtoHAsync_v2(void* dst, CUdeviceptr src, size_t n, void* stream) {
  return dtoh(dst, src, n, stream, true, "cuMemcpyDtoHAsync");
}
STANDIN_API CUresult cuMemcpyDtoD_v2(CUdeviceptr dst, CUdeviceptr src, size_t n) {
  return dtod(dst, src, n, nullptr, false, "cuMemcpyDtoD");
}
STANDIN_API CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src, size_t n, void* stream) {
  return dtod(dst, src, n, stream, true, "cuMemcpyDtoDAsync");
}
STANDIN_API CUresult cuMemsetD32_v2(CUdeviceptr dst, unsigned value, size_t count) {
  return memsetT<unsigned>(dst, value, count, nullptr, false, "cuMemsetD32");
}
STANDIN_API CUresult cuMemsetD32Async(CUdeviceptr dst, unsigned value, size_t count, void* stream) {
  return memsetT<unsigned>(dst, value, count, stream, true, "cuMemsetD32Async");
}
STANDIN_API CUresult cuMemsetD8_v2(CUdeviceptr dst, unsigned char value, size_t count) {
  return memsetT<unsigned char>(dst, value, count, nullptr, false, "cuMemsetD8");
}
STANDIN_API CUresult cuMemsetD8Async(CUdeviceptr dst, unsigned char value, size_t count, void* stream) {
  return memsetT<unsigned char>(dst, value, count, stream, true, "cuMemsetD8Async");
}

