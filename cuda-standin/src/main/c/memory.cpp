// Driver stand-in: device and pinned host memory. Device pointers are real host addresses (so
// the host builds of the kernels run on them); every allocation is tracked with its owner
// context, and a freed range stays mapped but quarantined (never handed out again), so a use
// after free is recognised instead of silently hitting a new allocation. Each allocation is
// followed by a red zone that kernels and copies must not touch. A TEST FIXTURE, not a GPU.
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <map>

#include "standin.h"

namespace standin {

// by base; freed ones stay (quarantine). Never destroyed: workers may use it while the process exits.
static std::map<uintptr_t, Allocation*>& allocations = *new std::map<uintptr_t, Allocation*>();
static uint64_t nextId = 1;
static const unsigned char RED = 0xA5;
static const size_t RED_ZONE = 256;
// Freed ranges up to this size keep a poison pattern; larger ones give their pages back to the
// system (they then read as zeros) but keep the address range reserved.
static const size_t POISON_LIMIT = 1 << 20;

Allocation* findAllocation(uintptr_t p) {
  auto it = allocations.upper_bound(p);
  if (it == allocations.begin()) return nullptr;
  --it;
  Allocation* a = it->second;
  return p >= a->base && p < a->base + a->size ? a : nullptr;
}

void checkRedZones(Allocation* a, const char* after) {
  if (!a->live) return;
  const unsigned char* z = (const unsigned char*)(a->base + a->size);
  size_t n = a->mapped - a->size;
  for (size_t i = 0; i < n; i++) {
    if (z[i] != RED) {
      problem(format("%s wrote past the end of %s allocation #%llu (%zu bytes; byte %zu after its end changed)", after,
                     a->kind == Kind::DEVICE ? "device" : "pinned", (unsigned long long)a->id, a->size, i));
      memset((void*)z, RED, n);
      return;
    }
  }
}

size_t liveCount(Context* ctx, Kind kind) {
  size_t n = 0;
  for (auto& e : allocations) {
    if (e.second->live && e.second->ctx == ctx && e.second->kind == kind) n++;
  }
  return n;
}

size_t allocatedBytes(int device) {
  size_t n = 0;
  for (auto& e : allocations) {
    if (e.second->live && e.second->kind == Kind::DEVICE && e.second->ctx->device == device) n += e.second->size;
  }
  return n;
}

std::vector<Allocation*> liveAllocations(Context* ctx) {
  std::vector<Allocation*> out;
  for (auto& e : allocations) {
    if (e.second->live && e.second->ctx == ctx) out.push_back(e.second);
  }
  return out;
}

void release(Allocation* a) {
  checkRedZones(a, "an earlier operation");
  a->live = false;
  if (a->size <= POISON_LIMIT) {
    memset((void*)a->base, 0xFF, a->size);
  } else {
    madvise((void*)a->base, a->mapped, MADV_DONTNEED);
  }
}

static CUresult allocate(Context* ctx, Kind kind, size_t bytes, uintptr_t* out) {
  if (bytes == 0) return CUDA_ERROR_INVALID_VALUE;
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  size_t mapped = (bytes + RED_ZONE + page - 1) / page * page;
  void* p = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return CUDA_ERROR_OUT_OF_MEMORY;
  if (kind == Kind::DEVICE) memset(p, 0xFF, bytes);  // device memory starts as garbage (NaN floats)
  memset((char*)p + bytes, RED, mapped - bytes);
  Allocation* a = new Allocation();
  a->id = nextId++;
  a->kind = kind;
  a->ctx = ctx;
  a->base = (uintptr_t)p;
  a->size = bytes;
  a->mapped = mapped;
  allocations[a->base] = a;
  *out = a->base;
  return CUDA_SUCCESS;
}

static CUresult freeAt(uintptr_t p, Kind kind, const char* call) {
  Guard g(bigLock);
  Allocation* a = findAllocation(p);
  const char* kindName = kind == Kind::DEVICE ? "device" : "pinned";
  if (a == nullptr) {
    problem(format("%s(0x%llx): not an address the stand-in allocated", call, (unsigned long long)p));
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (a->base != p) {
    problem(format("%s(0x%llx): points %zu bytes into %s allocation #%llu, not at its start", call,
                   (unsigned long long)p, (size_t)(p - a->base), kindName, (unsigned long long)a->id));
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (a->kind != kind) {
    problem(format("%s(0x%llx): allocation #%llu is %s memory", call, (unsigned long long)p,
                   (unsigned long long)a->id, a->kind == Kind::DEVICE ? "device" : "pinned host"));
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (!a->live) {
    problem(format("double free: %s(0x%llx) of %s allocation #%llu (%zu bytes), already freed", call,
                   (unsigned long long)p, kindName, (unsigned long long)a->id, a->size));
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (a->pendingUses > 0) {
    problem(format("%s(0x%llx) of %s allocation #%llu while %d queued stream operation(s) still use it", call,
                   (unsigned long long)p, kindName, (unsigned long long)a->id, a->pendingUses.load()));
  }
  release(a);
  return CUDA_SUCCESS;
}

}  // namespace standin

using namespace standin;

STANDIN_API CUresult cuMemAlloc_v2(CUdeviceptr* dptr, size_t bytes) {
  Context* ctx;
  CUresult rc = needContext(&ctx);
  if (rc != CUDA_SUCCESS) return rc;
  if (dptr == nullptr) return CUDA_ERROR_INVALID_VALUE;
  Guard g(bigLock);
  uintptr_t p;
  rc = allocate(ctx, Kind::DEVICE, bytes, &p);
  if (rc == CUDA_SUCCESS) *dptr = p;
  return rc;
}

STANDIN_API CUresult cuMemFree_v2(CUdeviceptr p) {
  Context* ctx;
  CUresult rc = needContext(&ctx);
  if (rc != CUDA_SUCCESS) return rc;
  if (p == 0) return CUDA_SUCCESS;
  return freeAt((uintptr_t)p, Kind::DEVICE, "cuMemFree");
}

STANDIN_API CUresult cuMemHostAlloc(void** pp, size_t bytes, unsigned flags) {
  Context* ctx;
  CUresult rc = needContext(&ctx);
  if (rc != CUDA_SUCCESS) return rc;
  if (pp == nullptr || (flags & ~0xFu) != 0) return CUDA_ERROR_INVALID_VALUE;
  Guard g(bigLock);
  uintptr_t p;
  rc = allocate(ctx, Kind::PINNED, bytes, &p);
  if (rc == CUDA_SUCCESS) *pp = (void*)p;
  return rc;
}

STANDIN_API CUresult cuMemAllocHost_v2(void** pp, size_t bytes) { return cuMemHostAlloc(pp, bytes, 0); }

STANDIN_API CUresult cuMemFreeHost(void* p) {
  Context* ctx;
  CUresult rc = needContext(&ctx);
  if (rc != CUDA_SUCCESS) return rc;
  if (p == nullptr) return CUDA_SUCCESS;
  return freeAt((uintptr_t)p, Kind::PINNED, "cuMemFreeHost");
}

STANDIN_API CUresult cuMemGetAddressRange_v2(CUdeviceptr* base, size_t* size, CUdeviceptr p) {
  Context* ctx;
  CUresult rc = needContext(&ctx);
  if (rc != CUDA_SUCCESS) return rc;
  Guard g(bigLock);
  Allocation* a = findAllocation((uintptr_t)p);
  if (a == nullptr || !a->live || a->kind != Kind::DEVICE) return CUDA_ERROR_NOT_FOUND;
  if (base != nullptr) *base = a->base;
  if (size != nullptr) *size = a->size;
  return CUDA_SUCCESS;
}

// Unified addressing: a pinned allocation's device pointer is its host address.
STANDIN_API CUresult cuMemHostGetDevicePointer_v2(CUdeviceptr* dptr, void* p, unsigned flags) {
  Context* ctx;
  CUresult rc = needContext(&ctx);
  if (rc != CUDA_SUCCESS) return rc;
  if (dptr == nullptr || flags != 0) return CUDA_ERROR_INVALID_VALUE;
  Guard g(bigLock);
  Allocation* a = findAllocation((uintptr_t)p);
  if (a == nullptr || !a->live || a->kind != Kind::PINNED) return CUDA_ERROR_INVALID_VALUE;
  *dptr = (CUdeviceptr)(uintptr_t)p;
  return CUDA_SUCCESS;
}
