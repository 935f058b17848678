// Driver stand-in: modules and kernel launches. cuModuleLoadData accepts the project's fatbins
// (checking that the device's compute capability and the driver version could load them);
// cuModuleGetFunction finds a kernel only when its image holds it and the stand-in has its host
// build; cuLaunchKernel checks the grid, the block, the shared memory and the parameters (count
// and sizes against the kernel's C++ signature, pointers into live allocations of the launching
// context) and runs the host build on the stream's worker. A TEST FIXTURE, not a GPU.
#include <sys/mman.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <unordered_set>

#include "kernel_abi.h"
#include "standin_rt.h"
#include "standin.h"

namespace standin_rt {
thread_local Builtins builtins;
}  // namespace standin_rt

namespace standin {

static std::vector<const KernelDesc*>& registry() {
  static std::vector<const KernelDesc*> kernels;
  return kernels;
}

void registerKernel(const KernelDesc* desc) { registry().push_back(desc); }

static const KernelDesc* findKernel(const std::string& name) {
  for (const KernelDesc* d : registry()) {
    if (name == d->name) return d;
  }
  return nullptr;
}

struct Function;
struct Module {
  Context* ctx;
  bool live = true;
  std::set<std::string> kernels;  // the kernel names its image holds
  std::map<std::string, Function*> functions;
  std::atomic<int> pendingLaunches{0};
};
struct Function {
  Module* module;
  const KernelDesc* desc;
};

// STOKER_STANDIN_PROFILE=1: each kernel's CPU time on stderr (to size stand-in tests, never a GPU figure)
static const bool profile = getenv("STOKER_STANDIN_PROFILE") != nullptr && *getenv("STOKER_STANDIN_PROFILE") == '1';
static std::vector<Module*>& modules = *new std::vector<Module*>();
static std::unordered_set<void*>& moduleHandles = *new std::unordered_set<void*>();
static std::unordered_set<void*>& functionHandles = *new std::unordered_set<void*>();

size_t liveModules(Context* ctx) {
  size_t n = 0;
  for (Module* m : modules) n += m->live && m->ctx == ctx;
  return n;
}

void unloadModules(Context* ctx) {
  for (Module* m : modules) {
    if (m->live && m->ctx == ctx) {
      if (ctx->sticky == CUDA_SUCCESS) {
        leak(format("module with kernels %s not unloaded before its context (device %d) was released to zero",
                    m->kernels.empty() ? "(none)" : m->kernels.begin()->c_str(), ctx->device));
      }
      m->live = false;
    }
  }
}

// ---- images ----

static int ptxRequiredDriver(unsigned version) {
  unsigned major = version >> 16, minor = version & 0xFFFF;
  if (major >= 9) return 13000 + (int)(major - 9) * 1000 + (int)minor * 10;
  if (major == 8) return 12000 + (int)minor * 10;
  return 11000 + (int)minor * 10;
}

struct ImageCheck {
  size_t size = 0;
  CUresult rc = CUDA_SUCCESS;
  std::string why;
};

// A fatbin: header {magic 0xBA55ED50, u16 version, u16 header size, u64 payload size}, then entries
// {u16 kind (1 PTX, 2 ELF), u16, u32 header size, u64 payload size, ..., u32 version at +24 (the
// PTX ISA as major << 16 | minor), u32 sm at +28}. An ELF cubin's EI_ABIVERSION is 8 from CUDA 13.
static ImageCheck checkFatbin(const unsigned char* image) {
  ImageCheck out;
  uint16_t headerSize;
  uint64_t payload;
  memcpy(&headerSize, image + 6, 2);
  memcpy(&payload, image + 8, 8);
  out.size = headerSize + payload;
  int cc = computeCapability, version = driverVersion;
  bool loadable = false, ptxTooNew = false;
  std::string seen;
  for (size_t off = headerSize; off + 32 <= out.size;) {
    uint16_t kind;
    uint32_t entryHeader, ptxVersion, sm;
    uint64_t entrySize;
    memcpy(&kind, image + off, 2);
    memcpy(&entryHeader, image + off + 4, 4);
    memcpy(&entrySize, image + off + 8, 8);
    memcpy(&ptxVersion, image + off + 24, 4);
    memcpy(&sm, image + off + 28, 4);
    const unsigned char* body = image + off + entryHeader;
    if (kind == 2) {
      int required = body[8] >= 8 ? 13000 : 12000;
      bool archFits = (int)sm / 10 == cc / 10 && (int)sm % 10 <= cc % 10;
      seen += format(" sm_%u(cubin, driver >= %d)", sm, required);
      if (archFits && version >= required) loadable = true;
    } else if (kind == 1) {
      int required = ptxRequiredDriver(ptxVersion);
      seen += format(" compute_%u(PTX %u.%u, driver >= %d)", sm, ptxVersion >> 16, ptxVersion & 0xFFFF, required);
      if ((int)sm <= cc) {
        if (version >= required) {
          loadable = true;
        } else {
          ptxTooNew = true;
        }
      }
    }
    if (entryHeader == 0) break;
    off += entryHeader + entrySize;
  }
  if (!loadable) {
    out.rc = ptxTooNew ? CUDA_ERROR_UNSUPPORTED_PTX_VERSION : CUDA_ERROR_NO_BINARY_FOR_GPU;
    out.why = format("no code in the image loads on compute capability %d.%d with driver %d; it holds%s", cc / 10,
                     cc % 10, version, seen.c_str());
  }
  return out;
}

// The kernel names in an image: every ".text.NAME" section name.
static std::set<std::string> kernelNames(const unsigned char* image, size_t size) {
  std::set<std::string> names;
  static const char TEXT[] = ".text.";
  for (size_t i = 0; i + 6 < size; i++) {
    if (image[i] != '.' || memcmp(image + i, TEXT, 6) != 0) continue;
    size_t j = i + 6;
    while (j < size && (isalnum(image[j]) || image[j] == '_')) j++;
    if (j < size && image[j] == 0 && j > i + 6) names.insert(std::string((const char*)image + i + 6, j - i - 6));
  }
  return names;
}

static CUresult loadModule(void** out, const void* data) {
  Context* ctx;
  CUresult rc = needContext(&ctx);
  if (rc != CUDA_SUCCESS) return rc;
  if (out == nullptr || data == nullptr) return CUDA_ERROR_INVALID_VALUE;
  const unsigned char* image = (const unsigned char*)data;
  uint32_t magic;
  memcpy(&magic, image, 4);
  if (magic != 0xBA55ED50u) {
    problem("cuModuleLoadData: the stand-in loads fatbins only (no fatbin magic 0xBA55ED50)");
    return CUDA_ERROR_INVALID_IMAGE;
  }
  ImageCheck check = checkFatbin(image);
  if (check.rc != CUDA_SUCCESS) {
    fprintf(stderr, "[cuda-standin] cuModuleLoadData refused: %s\n", check.why.c_str());
    return check.rc;
  }
  Guard g(bigLock);
  Module* m = new Module();
  m->ctx = ctx;
  m->kernels = kernelNames(image, check.size);
  modules.push_back(m);
  moduleHandles.insert(m);
  *out = m;
  return CUDA_SUCCESS;
}

}  // namespace standin

using namespace standin;

STANDIN_API CUresult cuModuleLoadData(void** module, const void* image) { return loadModule(module, image); }

STANDIN_API CUresult cuModuleLoadDataEx(void** module, const void* image, unsigned n, void* options, void** values) {
  (void)n, (void)options, (void)values;
  return loadModule(module, image);
}

STANDIN_API CUresult cuModuleLoadFatBinary(void** module, const void* image) { return loadModule(module, image); }

static CUresult resolveModule(void* handle, Context* ctx, Module** out) {
  if (moduleHandles.count(handle) == 0) {
    problem(format("0x%llx is not a module handle", (unsigned long long)(uintptr_t)handle));
    return CUDA_ERROR_INVALID_HANDLE;
  }
  Module* m = (Module*)handle;
  if (!m->live) {
    problem("use of an unloaded module");
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if (m->ctx != ctx) {
    problem(format("module of device %d used with device %d's context current", m->ctx->device, ctx->device));
    return CUDA_ERROR_INVALID_HANDLE;
  }
  *out = m;
  return CUDA_SUCCESS;
}

STANDIN_API CUresult cuModuleUnload(void* handle) {
  Context* ctx;
  CUresult rc = needContext(&ctx);
  if (rc != CUDA_SUCCESS) return rc;
  Guard g(bigLock);
  Module* m;
  rc = resolveModule(handle, ctx, &m);
  if (rc != CUDA_SUCCESS) return rc;
  if (m->pendingLaunches > 0) {
    problem(format("cuModuleUnload while %d queued launch(es) of its kernels have not run", m->pendingLaunches.load()));
  }
  m->live = false;
  return CUDA_SUCCESS;
}

STANDIN_API CUresult cuModuleGetFunction(void** function, void* handle, const char* name) {
  Context* ctx;
  CUresult rc = needContext(&ctx);
  if (rc != CUDA_SUCCESS) return rc;
  if (function == nullptr || name == nullptr) return CUDA_ERROR_INVALID_VALUE;
  Guard g(bigLock);
  Module* m;
  rc = resolveModule(handle, ctx, &m);
  if (rc != CUDA_SUCCESS) return rc;
  if (m->kernels.count(name) == 0) return CUDA_ERROR_NOT_FOUND;
  const KernelDesc* d = findKernel(name);
  if (d == nullptr) {
    problem(format("kernel %s is in the image but the stand-in has no host build of it", name));
    return CUDA_ERROR_NOT_FOUND;
  }
  auto it = m->functions.find(name);
  if (it == m->functions.end()) {
    Function* f = new Function{m, d};
    functionHandles.insert(f);
    it = m->functions.emplace(name, f).first;
  }
  *function = it->second;
  return CUDA_SUCCESS;
}

STANDIN_API CUresult cuLaunchKernel(void* fn, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by,
                                    unsigned bz, unsigned shared, void* stream, void** params, void** extra) {
  ParamInfo info = takeParamInfo();
  Context* ctx;
  CUresult rc = needContext(&ctx);
  if (rc != CUDA_SUCCESS) return rc;
  Function* f;
  {
    Guard g(bigLock);
    if (functionHandles.count(fn) == 0) {
      problem("cuLaunchKernel: not a function handle");
      return CUDA_ERROR_INVALID_HANDLE;
    }
    f = (Function*)fn;
    Module* m;
    rc = resolveModule(f->module, ctx, &m);
    if (rc != CUDA_SUCCESS) return rc;
  }
  const KernelDesc* d = f->desc;
  if (extra != nullptr) {
    problem(format("cuLaunchKernel(%s): the 'extra' parameter form is not modelled", d->name));
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  if (gx == 0 || gy == 0 || gz == 0 || gx > 2147483647u || gy > 65535 || gz > 65535 || bx == 0 || by == 0 ||
      bz == 0 || bx > 1024 || by > 1024 || bz > 64 || (size_t)bx * by * bz > 1024) {
    problem(format("cuLaunchKernel(%s): grid %ux%ux%u, block %ux%ux%u outside the device's limits", d->name, gx, gy,
                   gz, bx, by, bz));
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (shared > MAX_DYNAMIC_SHARED) {
    problem(format("cuLaunchKernel(%s): %u bytes of dynamic shared memory, the limit is %zu", d->name, shared,
                   MAX_DYNAMIC_SHARED));
    return CUDA_ERROR_INVALID_VALUE;
  }
  if (!info.known) {
    problem(format("cuLaunchKernel(%s): kernelParams could not be checked: %s", d->name, info.unknownReason.c_str()));
    return CUDA_ERROR_INVALID_VALUE;
  }
  std::string signature;
  for (size_t i = 0; i < d->count; i++) signature += format("%s%zu", i ? ", " : "", d->sizes[i]);
  if (info.sizes.size() != d->count) {
    problem(format("cuLaunchKernel(%s): %zu parameters passed, the kernel takes %zu (sizes %s)", d->name,
                   info.sizes.size(), d->count, signature.c_str()));
    return CUDA_ERROR_INVALID_VALUE;
  }
  for (size_t i = 0; i < d->count; i++) {
    if (info.sizes[i] != d->sizes[i]) {
      problem(format("cuLaunchKernel(%s): parameter %zu has %zu bytes, the kernel's has %zu (sizes %s)", d->name, i,
                     info.sizes[i], d->sizes[i], signature.c_str()));
      return CUDA_ERROR_INVALID_VALUE;
    }
  }
  auto launch = std::make_shared<Launch>();
  launch->desc = d;
  launch->grid = {gx, gy, gz};
  launch->block = {bx, by, bz};
  launch->shared = shared;
  launch->args.resize(d->argBytes + 1);
  Op op;
  op.what = d->name;
  for (size_t i = 0; i < d->count; i++) {
    memcpy(launch->args.data() + d->offsets[i], params[i], d->sizes[i]);
    if (!d->pointers[i]) continue;
    uintptr_t p;
    memcpy(&p, params[i], sizeof p);
    if (p == 0) continue;
    Guard g(bigLock);
    Allocation* a = findAllocation(p);
    if (a == nullptr) {
      problem(format("cuLaunchKernel(%s): pointer parameter %zu (0x%llx) is not in any allocation", d->name, i,
                     (unsigned long long)p));
      return CUDA_ERROR_INVALID_VALUE;
    }
    if (!a->live) {
      problem(format("use after free: cuLaunchKernel(%s) parameter %zu points into freed allocation #%llu", d->name, i,
                     (unsigned long long)a->id));
      return CUDA_ERROR_INVALID_VALUE;
    }
    if (a->kind == Kind::DEVICE && a->ctx != ctx) {
      problem(format("cuLaunchKernel(%s): parameter %zu points into device %d's memory, the launch is on device %d",
                     d->name, i, a->ctx->device, ctx->device));
      return CUDA_ERROR_INVALID_VALUE;
    }
    op.uses.push_back(a);
  }
  Stream* s;
  rc = resolveStream(stream, ctx, &s);
  if (rc != CUDA_SUCCESS) return rc;
  Module* m = f->module;
  m->pendingLaunches++;
  std::vector<Allocation*> touched = op.uses;
  op.bookkeeping = true;  // pendingLaunches must drop even when a sticky error skips the kernel
  op.run = [launch, m, touched] {
    if (m->ctx->sticky == CUDA_SUCCESS) {
      int64_t start = nowNs();
      timespec cpu0, cpu1;
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu0);
      execute(*launch);
      if (profile) {
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu1);
        fprintf(stderr, "[cuda-standin] %s grid %u block %u: %.3f ms, %.3f ms of CPU time\n", launch->desc->name,
                launch->grid.x * launch->grid.y * launch->grid.z, launch->block.x * launch->block.y * launch->block.z,
                (nowNs() - start) / 1e6,
                ((cpu1.tv_sec - cpu0.tv_sec) * 1e9 + (cpu1.tv_nsec - cpu0.tv_nsec)) / 1e6);
      }
    }
    m->pendingLaunches--;
    Guard g(bigLock);
    std::string after = format("kernel %s", launch->desc->name);
    for (Allocation* a : touched) checkRedZones(a, after.c_str());
  };
  enqueue(s, std::move(op));
  return CUDA_SUCCESS;
}
