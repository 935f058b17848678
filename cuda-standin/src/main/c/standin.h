// The CUDA driver stand-in: a TEST FIXTURE that JCuda loads as libcuda.so.1. Internal declarations
// shared by driver.cpp (init, devices, contexts, control API), memory.cpp (allocations),
// streams.cpp (streams, events), copies.cpp, modules.cpp (modules, kernel launches), fibers.cpp
// (running a launch's grid) and jni_params.cpp (kernel parameter sizes from JCuda).
// Nothing it measures is a GPU figure.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "standin_rt.h"

#define STANDIN_API extern "C" __attribute__((visibility("default")))

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;

enum {
  CUDA_SUCCESS = 0,
  CUDA_ERROR_INVALID_VALUE = 1,
  CUDA_ERROR_OUT_OF_MEMORY = 2,
  CUDA_ERROR_NOT_INITIALIZED = 3,
  CUDA_ERROR_DEINITIALIZED = 4,
  CUDA_ERROR_NO_DEVICE = 100,
  CUDA_ERROR_INVALID_DEVICE = 101,
  CUDA_ERROR_INVALID_IMAGE = 200,
  CUDA_ERROR_INVALID_CONTEXT = 201,
  CUDA_ERROR_NO_BINARY_FOR_GPU = 209,
  CUDA_ERROR_UNSUPPORTED_PTX_VERSION = 222,
  CUDA_ERROR_INVALID_HANDLE = 400,
  CUDA_ERROR_NOT_FOUND = 500,
  CUDA_ERROR_NOT_READY = 600,
  CUDA_ERROR_ILLEGAL_ADDRESS = 700,
  CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES = 701,
  CUDA_ERROR_LAUNCH_FAILED = 719,
  CUDA_ERROR_NOT_SUPPORTED = 801,
  CUDA_ERROR_UNKNOWN = 999,
};

namespace standin {

struct Context;
struct Stream;
struct Event;
struct Module;
struct Function;

// ---- configuration and problems (driver.cpp) ----
extern std::atomic<bool> initialized;
extern std::atomic<int> driverVersion;
extern int deviceCount;
extern int computeCapability;  // e.g. 86
extern uint64_t seed;
extern int maxDelayUs;

// Records a problem (double free, use after free, bad kernel parameters...): kept for
// CudaStandin.problems() and printed to stderr.
void problem(const std::string& what);
void leak(const std::string& what);
std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

// One global lock over the driver's bookkeeping (handles, allocations, contexts). Stream workers
// take it only briefly; kernels and copies run without it.
extern std::recursive_mutex& bigLock;
using Guard = std::lock_guard<std::recursive_mutex>;

struct Context {
  int device;
  int refs = 0;                  // primary-context retains
  unsigned flags = 0;
  int sticky = CUDA_SUCCESS;     // an injected sticky error: every later call fails with it
  Stream* legacy = nullptr;      // the legacy default stream (handle 0)
  uint64_t generation = 0;       // bumped on release-to-zero
};
extern std::vector<Context*> contexts;  // one primary context per device

// The calling thread's current context (cuCtxSetCurrent), or null.
Context* current();
void setCurrent(Context* c);
// CUDA_SUCCESS with *out set, or the error a call needing a context gets here.
CUresult needContext(Context** out);
// Drops everything of ctx (streams drained, leaks reported and freed) at release-to-zero.
void destroyContextResources(Context* ctx);

// ---- allocations (memory.cpp) ----
enum class Kind { DEVICE, PINNED };
struct Allocation {
  uint64_t id;
  Kind kind;
  Context* ctx;
  uintptr_t base;
  size_t size;
  size_t mapped;                 // mmap length (size + red zone, rounded to pages)
  bool live = true;
  std::atomic<int> pendingUses{0};  // queued stream operations that reference it
};
// The allocation (live or freed) whose range holds address p, or null. Caller holds bigLock.
Allocation* findAllocation(uintptr_t p);
// Checks the red zone after every live allocation of ctx; records a problem for each overwritten.
void checkRedZones(Allocation* a, const char* after);
size_t liveCount(Context* ctx, Kind kind);
size_t allocatedBytes(int device);
std::vector<Allocation*> liveAllocations(Context* ctx);
void release(Allocation* a);  // frees and quarantines (no reuse of the address range)

// ---- streams and events (streams.cpp) ----
struct Op {
  std::function<void()> run;              // executes on the stream's worker
  std::vector<std::pair<Stream*, uint64_t>> after;  // waits until each stream completed that many
  std::vector<Allocation*> uses;          // each with pendingUses incremented
  bool bookkeeping = false;               // runs even under a sticky error (event records, waits)
  std::string what;
};

struct Stream {
  Context* ctx;
  unsigned flags;
  bool legacyDefault;
  bool live = true;
  std::mutex m;
  std::condition_variable cv;
  std::deque<Op> queue;
  uint64_t enqueued = 0;    // operations ever queued
  uint64_t completed = 0;   // operations ever finished
  bool stop = false;
  std::thread worker;
  uint64_t rng;
};

struct Event {
  Context* ctx;
  unsigned flags;
  bool live = true;
  std::mutex m;
  std::condition_variable cv;
  uint64_t recorded = 0;    // records queued
  uint64_t done = 0;        // records executed
  bool everRecorded = false;
  int64_t timeNs = 0;       // when the last record executed
};

// Queues op on stream s (legacy semantics included); returns the position to wait for.
uint64_t enqueue(Stream* s, Op op);
void waitFor(Stream* s, uint64_t position);
void drain(Stream* s);
void stopStream(Stream* s);
// Resolves a CUstream handle (0 or CU_STREAM_LEGACY: ctx's legacy default stream).
CUresult resolveStream(void* handle, Context* ctx, Stream** out);
// needContext, then resolveStream in that context: what most stream calls check first.
CUresult currentStream(void* handle, Context** ctx, Stream** out);
void drainContext(Context* ctx);
void retireStreamsAndEvents(Context* ctx);
size_t liveStreams(Context* ctx);
size_t liveEvents(Context* ctx);
int64_t nowNs();
// [p, p + n) in one live device allocation (a problem otherwise); appends it to *uses.
CUresult checkDeviceRange(uintptr_t p, size_t n, const char* call, std::vector<Allocation*>* uses);

// ---- modules (modules.cpp) ----
size_t liveModules(Context* ctx);
void unloadModules(Context* ctx);

// ---- kernel launches (fibers.cpp runs them) ----
struct KernelDesc;  // kernel_abi.h
struct Launch {
  const KernelDesc* desc;
  dim3 grid, block;
  unsigned shared;
  std::vector<unsigned char> args;  // the parameters, laid out as the kernel's C++ signature
};
// Runs every block of the launch on the calling thread.
void execute(const Launch& launch);

// ---- kernel parameters from JCuda (jni_params.cpp) ----
struct ParamInfo {
  bool known = false;        // the launch went through JCuda's cuLaunchKernel and was inspected
  std::vector<size_t> sizes; // bytes each kernelParams[i] points to
  std::vector<bool> pointerObject;  // kernelParams[i] came from Pointer.to(NativePointerObject)
  std::string unknownReason;
};
ParamInfo takeParamInfo();
void installJniHooks();

}  // namespace standin
