// Driver stand-in: cuInit, devices, primary contexts, error names, and the control API that
// dev.stoker.cuda.standin.CudaStandin calls through FFM. A TEST FIXTURE, not a GPU.
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "standin.h"

namespace standin {

std::atomic<bool> initialized{false};
std::atomic<int> driverVersion{13000};
int deviceCount = 2;
int computeCapability = 86;
uint64_t seed = 14;
int maxDelayUs = 200;
std::recursive_mutex& bigLock = *new std::recursive_mutex();
std::vector<Context*> contexts;

// Never destroyed: stream workers may still record a problem while the process exits.
static std::mutex& problemLock = *new std::mutex();
static std::vector<std::string>& problems = *new std::vector<std::string>();
static std::vector<std::string>& leaks = *new std::vector<std::string>();
static thread_local std::vector<Context*> ctxStack{nullptr};

std::string format(const char* fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return buf;
}

void problem(const std::string& what) {
  fprintf(stderr, "[cuda-standin] PROBLEM: %s\n", what.c_str());
  std::lock_guard<std::mutex> g(problemLock);
  problems.push_back(what);
}

void leak(const std::string& what) {
  fprintf(stderr, "[cuda-standin] LEAK: %s\n", what.c_str());
  std::lock_guard<std::mutex> g(problemLock);
  leaks.push_back(what);
}

Context* current() { return ctxStack.back(); }
void setCurrent(Context* c) { ctxStack.back() = c; }

CUresult needContext(Context** out) {
  if (!initialized) return CUDA_ERROR_NOT_INITIALIZED;
  Context* c = current();
  if (c == nullptr || c->refs == 0) return CUDA_ERROR_INVALID_CONTEXT;
  if (c->sticky != CUDA_SUCCESS) return c->sticky;
  *out = c;
  return CUDA_SUCCESS;
}

static int envInt(const char* name, int fallback) {
  const char* v = getenv(name);
  return v != nullptr && *v != 0 ? atoi(v) : fallback;
}

static void reportAtExit() {
  Guard g(bigLock);
  for (Context* c : contexts) {
    if (c->refs > 0) {
      for (Allocation* a : liveAllocations(c)) {
        fprintf(stderr, "[cuda-standin] at exit: %s allocation #%llu of %zu bytes on device %d never freed\n",
                a->kind == Kind::DEVICE ? "device" : "pinned", (unsigned long long)a->id, a->size, c->device);
      }
    }
  }
}

void destroyContextResources(Context* ctx) {
  drainContext(ctx);
  for (Allocation* a : liveAllocations(ctx)) {
    std::string what = format("%s allocation #%llu of %zu bytes on device %d still live when its primary context was "
                              "released to zero",
                              a->kind == Kind::DEVICE ? "device" : "pinned", (unsigned long long)a->id, a->size,
                              ctx->device);
    if (ctx->sticky == CUDA_SUCCESS) leak(what);
    release(a);
  }
  if (liveStreams(ctx) > 0 && ctx->sticky == CUDA_SUCCESS) {
    leak(format("%zu stream(s) on device %d not destroyed before the context was released to zero",
                liveStreams(ctx), ctx->device));
  }
  if (liveEvents(ctx) > 0 && ctx->sticky == CUDA_SUCCESS) {
    leak(format("%zu event(s) on device %d not destroyed before the context was released to zero", liveEvents(ctx),
                ctx->device));
  }
  retireStreamsAndEvents(ctx);
  unloadModules(ctx);
  ctx->sticky = CUDA_SUCCESS;
  ctx->generation++;
}

}  // namespace standin

using namespace standin;

// ---- initialization, version, devices ----

STANDIN_API CUresult cuInit(unsigned flags) {
  if (flags != 0) return CUDA_ERROR_INVALID_VALUE;
  Guard g(bigLock);
  if (initialized) return CUDA_SUCCESS;
  deviceCount = envInt("STOKER_STANDIN_DEVICES", 2);
  driverVersion = envInt("STOKER_STANDIN_DRIVER_VERSION", driverVersion.load());
  computeCapability = envInt("STOKER_STANDIN_COMPUTE_CAPABILITY", 86);
  seed = (uint64_t)envInt("STOKER_STANDIN_SEED", 14);
  maxDelayUs = envInt("STOKER_STANDIN_MAX_DELAY_US", 200);
  if (deviceCount <= 0) return CUDA_ERROR_NO_DEVICE;
  for (int d = 0; d < deviceCount; d++) {
    Context* c = new Context();
    c->device = d;
    contexts.push_back(c);
  }
  installJniHooks();
  atexit(reportAtExit);
  initialized = true;
  return CUDA_SUCCESS;
}

STANDIN_API CUresult cuDriverGetVersion(int* version) {
  if (version == nullptr) return CUDA_ERROR_INVALID_VALUE;
  *version = driverVersion;
  return CUDA_SUCCESS;
}

STANDIN_API CUresult cuDeviceGetCount(int* count) {
  if (!initialized) return CUDA_ERROR_NOT_INITIALIZED;
  if (count == nullptr) return CUDA_ERROR_INVALID_VALUE;
  *count = deviceCount;
  return CUDA_SUCCESS;
}

STANDIN_API CUresult cuDeviceGet(CUdevice* device, int ordinal) {
  if (!initialized) return CUDA_ERROR_NOT_INITIALIZED;
  if (device == nullptr) return CUDA_ERROR_INVALID_VALUE;
  if (ordinal < 0 || ordinal >= deviceCount) return CUDA_ERROR_INVALID_DEVICE;
  *device = ordinal;
  return CUDA_SUCCESS;
}

static CUresult checkDevice(CUdevice d) {
  if (!initialized) return CUDA_ERROR_NOT_INITIALIZED;
  if (d < 0 || d >= deviceCount) return CUDA_ERROR_INVALID_DEVICE;
  return CUDA_SUCCESS;
}

STANDIN_API CUresult cuDeviceGetName(char* name, int len, CUdevice d) {
  CUresult rc = checkDevice(d);
  if (rc != CUDA_SUCCESS) return rc;
  if (name == nullptr || len <= 0) return CUDA_ERROR_INVALID_VALUE;
  snprintf(name, (size_t)len, "Stoker CUDA stand-in #%d", d);
  return CUDA_SUCCESS;
}

static const size_t TOTAL_MEM = 16ull << 30;

STANDIN_API CUresult cuDeviceTotalMem_v2(size_t* bytes, CUdevice d) {
  CUresult rc = checkDevice(d);
  if (rc != CUDA_SUCCESS) return rc;
  if (bytes == nullptr) return CUDA_ERROR_INVALID_VALUE;
  *bytes = TOTAL_MEM;
  return CUDA_SUCCESS;
}

STANDIN_API CUresult cuMemGetInfo_v2(size_t* free, size_t* total) {
  Context* ctx;
  CUresult rc = needContext(&ctx);
  if (rc != CUDA_SUCCESS) return rc;
  if (free == nullptr || total == nullptr) return CUDA_ERROR_INVALID_VALUE;
  Guard g(bigLock);
  size_t used = allocatedBytes(ctx->device);
  *total = TOTAL_MEM;
  *free = used > TOTAL_MEM ? 0 : TOTAL_MEM - used;
  return CUDA_SUCCESS;
}

STANDIN_API CUresult cuDeviceComputeCapability(int* major, int* minor, CUdevice d) {
  CUresult rc = checkDevice(d);
  if (rc != CUDA_SUCCESS) return rc;
  if (major == nullptr || minor == nullptr) return CUDA_ERROR_INVALID_VALUE;
  *major = computeCapability / 10;
  *minor = computeCapability % 10;
  return CUDA_SUCCESS;
}

STANDIN_API CUresult cuDeviceGetAttribute(int* value, int attribute, CUdevice d) {
  CUresult rc = checkDevice(d);
  if (rc != CUDA_SUCCESS) return rc;
  if (value == nullptr) return CUDA_ERROR_INVALID_VALUE;
  int v;
  switch (attribute) {
    case 1: v = 1024; break;            // MAX_THREADS_PER_BLOCK
    case 2: v = 1024; break;            // MAX_BLOCK_DIM_X
    case 3: v = 1024; break;            // MAX_BLOCK_DIM_Y
    case 4: v = 64; break;              // MAX_BLOCK_DIM_Z
    case 5: v = 2147483647; break;      // MAX_GRID_DIM_X
    case 6: v = 65535; break;           // MAX_GRID_DIM_Y
    case 7: v = 65535; break;           // MAX_GRID_DIM_Z
    case 8: v = 48 * 1024; break;       // MAX_SHARED_MEMORY_PER_BLOCK
    case 9: v = 64 * 1024; break;       // TOTAL_CONSTANT_MEMORY
    case 10: v = 32; break;             // WARP_SIZE
    case 12: v = 65536; break;          // MAX_REGISTERS_PER_BLOCK
    case 13: v = 1500000; break;        // CLOCK_RATE (kHz)
    case 15: v = 1; break;              // GPU_OVERLAP
    case 16: v = 8; break;              // MULTIPROCESSOR_COUNT
    case 17: v = 0; break;              // KERNEL_EXEC_TIMEOUT
    case 18: v = 0; break;              // INTEGRATED
    case 19: v = 1; break;              // CAN_MAP_HOST_MEMORY
    case 20: v = 0; break;              // COMPUTE_MODE (default)
    case 31: v = 1; break;              // CONCURRENT_KERNELS
    case 32: v = 0; break;              // ECC_ENABLED
    case 33: v = d + 1; break;          // PCI_BUS_ID
    case 34: v = 0; break;              // PCI_DEVICE_ID
    case 36: v = 5000000; break;        // MEMORY_CLOCK_RATE (kHz)
    case 37: v = 256; break;            // GLOBAL_MEMORY_BUS_WIDTH
    case 38: v = 4 * 1024 * 1024; break;  // L2_CACHE_SIZE
    case 39: v = 1536; break;           // MAX_THREADS_PER_MULTIPROCESSOR
    case 40: v = 2; break;              // ASYNC_ENGINE_COUNT
    case 41: v = 1; break;              // UNIFIED_ADDRESSING
    case 50: v = 0; break;              // PCI_DOMAIN_ID
    case 75: v = computeCapability / 10; break;  // COMPUTE_CAPABILITY_MAJOR
    case 76: v = computeCapability % 10; break;  // COMPUTE_CAPABILITY_MINOR
    case 81: v = 100 * 1024; break;     // MAX_SHARED_MEMORY_PER_MULTIPROCESSOR
    case 82: v = 65536; break;          // MAX_REGISTERS_PER_MULTIPROCESSOR
    case 83: v = 1; break;              // MANAGED_MEMORY
    case 95: v = 1; break;              // COOPERATIVE_LAUNCH
    case 97: v = 99 * 1024; break;      // MAX_SHARED_MEMORY_PER_BLOCK_OPTIN
    case 106: v = 16; break;            // MAX_BLOCKS_PER_MULTIPROCESSOR
    default:
      problem(format("cuDeviceGetAttribute: attribute %d is not modelled by the stand-in", attribute));
      return CUDA_ERROR_INVALID_VALUE;
  }
  *value = v;
  return CUDA_SUCCESS;
}

// ---- primary contexts ----

STANDIN_API CUresult cuDevicePrimaryCtxRetain(void** pctx, CUdevice d) {
  CUresult rc = checkDevice(d);
  if (rc != CUDA_SUCCESS) return rc;
  if (pctx == nullptr) return CUDA_ERROR_INVALID_VALUE;
  Guard g(bigLock);
  Context* c = contexts[d];
  c->refs++;
  *pctx = c;
  return CUDA_SUCCESS;
}

STANDIN_API CUresult cuDevicePrimaryCtxRelease_v2(CUdevice d) {
  CUresult rc = checkDevice(d);
  if (rc != CUDA_SUCCESS) return rc;
  Context* c = contexts[d];
  {
    Guard g(bigLock);
    if (c->refs == 0) {
      problem(format("cuDevicePrimaryCtxRelease(%d) without a matching retain", d));
      return CUDA_ERROR_INVALID_CONTEXT;
    }
    if (c->refs > 1) {
      c->refs--;
      return CUDA_SUCCESS;
    }
  }
  destroyContextResources(c);
  Guard g(bigLock);
  c->refs = 0;
  return CUDA_SUCCESS;
}

STANDIN_API CUresult cuDevicePrimaryCtxSetFlags_v2(CUdevice d, unsigned flags) {
  CUresult rc = checkDevice(d);
  if (rc != CUDA_SUCCESS) return rc;
  if (flags & ~0x1Fu) return CUDA_ERROR_INVALID_VALUE;
  Guard g(bigLock);
  contexts[d]->flags = flags;
  return CUDA_SUCCESS;
}

STANDIN_API CUresult cuDevicePrimaryCtxGetState(CUdevice d, unsigned* flags, int* active) {
  CUresult rc = checkDevice(d);
  if (rc != CUDA_SUCCESS) return rc;
  if (flags == nullptr || active == nullptr) return CUDA_ERROR_INVALID_VALUE;
  Guard g(bigLock);
  *flags = contexts[d]->flags;
  *active = contexts[d]->refs > 0;
  return CUDA_SUCCESS;
}

static CUresult checkContextHandle(void* handle, Context** out) {
  for (Context* c : contexts) {
    if (c == handle) {
      *out = c;
      return c->refs > 0 ? CUDA_SUCCESS : CUDA_ERROR_INVALID_CONTEXT;
    }
  }
  return CUDA_ERROR_INVALID_CONTEXT;
}

STANDIN_API CUresult cuCtxSetCurrent(void* ctx) {
  if (!initialized) return CUDA_ERROR_NOT_INITIALIZED;
  if (ctx == nullptr) {
    setCurrent(nullptr);
    return CUDA_SUCCESS;
  }
  Guard g(bigLock);
  Context* c;
  CUresult rc = checkContextHandle(ctx, &c);
  if (rc != CUDA_SUCCESS) return rc;
  setCurrent(c);
  return CUDA_SUCCESS;
}

STANDIN_API CUresult cuCtxGetCurrent(void** pctx) {
  if (!initialized) return CUDA_ERROR_NOT_INITIALIZED;
  if (pctx == nullptr) return CUDA_ERROR_INVALID_VALUE;
  *pctx = current();
  return CUDA_SUCCESS;
}

STANDIN_API CUresult cuCtxPushCurrent_v2(void* ctx) {
  if (!initialized) return CUDA_ERROR_NOT_INITIALIZED;
  Guard g(bigLock);
  Context* c;
  CUresult rc = checkContextHandle(ctx, &c);
  if (rc != CUDA_SUCCESS) return rc;
  ctxStack.push_back(c);
  return CUDA_SUCCESS;
}

STANDIN_API CUresult cuCtxPopCurrent_v2(void** pctx) {
  if (!initialized) return CUDA_ERROR_NOT_INITIALIZED;
  if (ctxStack.size() <= 1) {
    if (current() == nullptr) return CUDA_ERROR_INVALID_CONTEXT;
    if (pctx != nullptr) *pctx = current();
    setCurrent(nullptr);
    return CUDA_SUCCESS;
  }
  if (pctx != nullptr) *pctx = current();
  ctxStack.pop_back();
  return CUDA_SUCCESS;
}

STANDIN_API CUresult cuCtxGetDevice(CUdevice* device) {
  Context* ctx;
  CUresult rc = needContext(&ctx);
  if (rc != CUDA_SUCCESS) return rc;
  if (device == nullptr) return CUDA_ERROR_INVALID_VALUE;
  *device = ctx->device;
  return CUDA_SUCCESS;
}

STANDIN_API CUresult cuCtxSynchronize() {
  Context* ctx;
  CUresult rc = needContext(&ctx);
  if (rc != CUDA_SUCCESS) return rc;
  drainContext(ctx);
  return ctx->sticky;
}

// ---- errors ----

struct ErrorName {
  int code;
  const char* name;
  const char* text;
};
static const ErrorName ERRORS[] = {
    {0, "CUDA_SUCCESS", "no error"},
    {1, "CUDA_ERROR_INVALID_VALUE", "invalid argument"},
    {2, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory"},
    {3, "CUDA_ERROR_NOT_INITIALIZED", "initialization error"},
    {4, "CUDA_ERROR_DEINITIALIZED", "driver shutting down"},
    {100, "CUDA_ERROR_NO_DEVICE", "no CUDA-capable device is detected"},
    {101, "CUDA_ERROR_INVALID_DEVICE", "invalid device ordinal"},
    {200, "CUDA_ERROR_INVALID_IMAGE", "device kernel image is invalid"},
    {201, "CUDA_ERROR_INVALID_CONTEXT", "invalid device context"},
    {209, "CUDA_ERROR_NO_BINARY_FOR_GPU", "no kernel image is available for execution on the device"},
    {222, "CUDA_ERROR_UNSUPPORTED_PTX_VERSION", "the provided PTX was compiled with an unsupported toolchain."},
    {400, "CUDA_ERROR_INVALID_HANDLE", "invalid resource handle"},
    {500, "CUDA_ERROR_NOT_FOUND", "named symbol not found"},
    {600, "CUDA_ERROR_NOT_READY", "device not ready"},
    {700, "CUDA_ERROR_ILLEGAL_ADDRESS", "an illegal memory access was encountered"},
    {701, "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES", "too many resources requested for launch"},
    {719, "CUDA_ERROR_LAUNCH_FAILED", "unspecified launch failure"},
    {801, "CUDA_ERROR_NOT_SUPPORTED", "operation not supported"},
    {999, "CUDA_ERROR_UNKNOWN", "unknown error"},
};

STANDIN_API CUresult cuGetErrorName(CUresult error, const char** name) {
  if (name == nullptr) return CUDA_ERROR_INVALID_VALUE;
  for (const ErrorName& e : ERRORS) {
    if (e.code == error) {
      *name = e.name;
      return CUDA_SUCCESS;
    }
  }
  *name = nullptr;
  return CUDA_ERROR_INVALID_VALUE;
}

STANDIN_API CUresult cuGetErrorString(CUresult error, const char** text) {
  if (text == nullptr) return CUDA_ERROR_INVALID_VALUE;
  for (const ErrorName& e : ERRORS) {
    if (e.code == error) {
      *text = e.text;
      return CUDA_SUCCESS;
    }
  }
  *text = nullptr;
  return CUDA_ERROR_INVALID_VALUE;
}

// Every driver function JCuda links but the stand-in does not model (stubs.c, generated) ends here.
extern "C" __attribute__((visibility("hidden"))) CUresult standin_unimplemented(const char* name) {
  problem(format("unimplemented driver function %s called", name));
  return CUDA_ERROR_NOT_SUPPORTED;
}

// ---- control API for dev.stoker.cuda.standin.CudaStandin (FFM) ----

STANDIN_API int stoker_standin_active() { return 1; }

static long copyOut(const std::vector<std::string>& list, char* buf, long cap) {
  std::string all;
  for (const std::string& s : list) {
    all += s;
    all += '\n';
  }
  if (buf != nullptr && cap > 0) {
    size_t n = all.size() < (size_t)cap - 1 ? all.size() : (size_t)cap - 1;
    memcpy(buf, all.data(), n);
    buf[n] = 0;
  }
  return (long)all.size() + 1;
}

STANDIN_API long stoker_standin_problems(char* buf, long cap) {
  std::lock_guard<std::mutex> g(problemLock);
  return copyOut(problems, buf, cap);
}

STANDIN_API long stoker_standin_leaks(char* buf, long cap) {
  std::lock_guard<std::mutex> g(problemLock);
  return copyOut(leaks, buf, cap);
}

STANDIN_API void stoker_standin_clear_problems() {
  std::lock_guard<std::mutex> g(problemLock);
  problems.clear();
}

STANDIN_API void stoker_standin_clear_leaks() {
  std::lock_guard<std::mutex> g(problemLock);
  leaks.clear();
}

STANDIN_API long stoker_standin_live_allocations() {
  Guard g(bigLock);
  long n = 0;
  for (Context* c : contexts) {
    n += (long)(liveCount(c, Kind::DEVICE) + liveCount(c, Kind::PINNED) + liveStreams(c) + liveEvents(c) +
                liveModules(c));
  }
  return n;
}

STANDIN_API void stoker_standin_set_driver_version(int version) { driverVersion = version; }

// The calling thread's current context gets the error, or every retained context when it has none.
STANDIN_API void stoker_standin_inject_sticky_error(int code) {
  Guard g(bigLock);
  Context* c = current();
  if (c != nullptr && c->refs > 0) {
    c->sticky = code;
    return;
  }
  for (Context* each : contexts) {
    if (each->refs > 0) each->sticky = code;
  }
}
