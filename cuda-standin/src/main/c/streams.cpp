// Driver stand-in: streams and events (copies are in copies.cpp). Each stream is a worker thread
// that runs its queue in order, each operation after a random (seeded) delay, so work that a real GPU would
// still be doing really is still pending: a host read before cuStreamSynchronize, a missing
// cuStreamWaitEvent or an early buffer reuse shows up as wrong data. Asynchronous copies read
// their source when they execute, not when they are queued. The legacy default stream (handle 0)
// waits for the blocking streams of its context and they wait for it; CU_STREAM_NON_BLOCKING
// streams do neither. A TEST FIXTURE, not a GPU.
#include <time.h>

#include <cstring>
#include <unordered_set>

#include "standin.h"

namespace standin {

// Every stream and event ever created (destroyed ones stay, not live). Never destroyed themselves:
// workers may still run while the process exits.
static std::vector<Stream*>& streams = *new std::vector<Stream*>();
static std::vector<Event*>& events = *new std::vector<Event*>();
static std::unordered_set<void*>& streamHandles = *new std::unordered_set<void*>();
static std::unordered_set<void*>& eventHandles = *new std::unordered_set<void*>();
static uint64_t streamCount = 0;

static const unsigned CU_STREAM_NON_BLOCKING = 0x1;
static const unsigned CU_EVENT_DISABLE_TIMING = 0x2;

int64_t nowNs() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static uint64_t nextRandom(uint64_t* state) {  // splitmix64
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static void randomDelay(Stream* s) {
  if (maxDelayUs <= 0) return;
  uint64_t r = nextRandom(&s->rng);
  if ((r & 3) == 0) return;  // a quarter of the operations start at once
  long ns = (long)((r >> 8) % ((uint64_t)maxDelayUs * 1000 + 1));
  timespec t{ns / 1000000000, ns % 1000000000};
  nanosleep(&t, nullptr);
}

static void work(Stream* s) {
  for (;;) {
    Op* op;
    {
      std::unique_lock<std::mutex> l(s->m);
      s->cv.wait(l, [s] { return !s->queue.empty() || s->stop; });
      if (s->queue.empty()) return;
      op = &s->queue.front();  // deque: stays put while others are appended
    }
    for (auto& dep : op->after) waitFor(dep.first, dep.second);
    randomDelay(s);
    if (s->ctx->sticky == CUDA_SUCCESS || op->bookkeeping) op->run();
    for (Allocation* a : op->uses) a->pendingUses--;
    {
      std::lock_guard<std::mutex> l(s->m);
      s->queue.pop_front();
      s->completed++;
    }
    s->cv.notify_all();
  }
}

static Stream* newStream(Context* ctx, unsigned flags, bool legacy) {
  Stream* s = new Stream();
  s->ctx = ctx;
  s->flags = flags;
  s->legacyDefault = legacy;
  s->rng = seed * 0x100000001B3ull + (++streamCount);
  s->worker = std::thread(work, s);
  streams.push_back(s);
  streamHandles.insert(s);
  return s;
}

uint64_t enqueue(Stream* s, Op op) {
  {
    Guard g(bigLock);
    if (s->legacyDefault) {
      for (Stream* t : streams) {
        if (t->live && t->ctx == s->ctx && !t->legacyDefault && !(t->flags & CU_STREAM_NON_BLOCKING)) {
          std::lock_guard<std::mutex> l(t->m);
          op.after.emplace_back(t, t->enqueued);
        }
      }
    } else if (!(s->flags & CU_STREAM_NON_BLOCKING) && s->ctx->legacy != nullptr) {
      Stream* d = s->ctx->legacy;
      std::lock_guard<std::mutex> l(d->m);
      op.after.emplace_back(d, d->enqueued);
    }
    for (Allocation* a : op.uses) a->pendingUses++;
  }
  uint64_t position;
  {
    std::lock_guard<std::mutex> l(s->m);
    s->queue.push_back(std::move(op));
    position = ++s->enqueued;
  }
  s->cv.notify_all();
  return position;
}

void waitFor(Stream* s, uint64_t position) {
  std::unique_lock<std::mutex> l(s->m);
  s->cv.wait(l, [s, position] { return s->completed >= position; });
}

void drain(Stream* s) {
  uint64_t position;
  {
    std::lock_guard<std::mutex> l(s->m);
    position = s->enqueued;
  }
  waitFor(s, position);
}

void stopStream(Stream* s) {
  {
    std::lock_guard<std::mutex> l(s->m);
    s->stop = true;
  }
  s->cv.notify_all();
  s->worker.detach();  // it finishes its queue, then exits; the Stream stays (stale handles)
  s->live = false;
}

CUresult currentStream(void* handle, Context** ctx, Stream** out) {
  CUresult rc = needContext(ctx);
  return rc != CUDA_SUCCESS ? rc : resolveStream(handle, *ctx, out);
}

CUresult resolveStream(void* handle, Context* ctx, Stream** out) {
  uintptr_t h = (uintptr_t)handle;
  if (h == 0 || h == 1) {  // 0 and CU_STREAM_LEGACY: the legacy default stream
    Guard g(bigLock);
    if (ctx->legacy == nullptr) ctx->legacy = newStream(ctx, 0, true);
    *out = ctx->legacy;
    return CUDA_SUCCESS;
  }
  if (h == 2) {
    problem("CU_STREAM_PER_THREAD is not modelled by the stand-in");
    return CUDA_ERROR_NOT_SUPPORTED;
  }
  Guard g(bigLock);
  if (streamHandles.count(handle) == 0) {
    problem(format("0x%llx is not a stream handle", (unsigned long long)h));
    return CUDA_ERROR_INVALID_HANDLE;
  }
  Stream* s = (Stream*)handle;
  if (!s->live) {
    problem(format("use of destroyed stream 0x%llx", (unsigned long long)h));
    return CUDA_ERROR_INVALID_HANDLE;
  }
  if (s->ctx != ctx) {
    problem(format("stream 0x%llx belongs to device %d, the current context is device %d's", (unsigned long long)h,
                   s->ctx->device, ctx->device));
    return CUDA_ERROR_INVALID_HANDLE;
  }
  *out = s;
  return CUDA_SUCCESS;
}

static CUresult resolveEvent(void* handle, Event** out) {
  Guard g(bigLock);
  if (eventHandles.count(handle) == 0) {
    problem(format("0x%llx is not an event handle", (unsigned long long)(uintptr_t)handle));
    return CUDA_ERROR_INVALID_HANDLE;
  }
  Event* e = (Event*)handle;
  if (!e->live) {
    problem(format("use of destroyed event 0x%llx", (unsigned long long)(uintptr_t)handle));
    return CUDA_ERROR_INVALID_HANDLE;
  }
  *out = e;
  return CUDA_SUCCESS;
}

void drainContext(Context* ctx) {
  std::vector<Stream*> mine;
  {
    Guard g(bigLock);
    for (Stream* s : streams) {
      if (s->live && s->ctx == ctx) mine.push_back(s);
    }
  }
  for (Stream* s : mine) drain(s);
}

void retireStreamsAndEvents(Context* ctx) {
  Guard g(bigLock);
  for (Stream* s : streams) {
    if (s->live && s->ctx == ctx) stopStream(s);
  }
  ctx->legacy = nullptr;
  for (Event* e : events) {
    if (e->live && e->ctx == ctx) e->live = false;
  }
}

size_t liveStreams(Context* ctx) {
  size_t n = 0;
  for (Stream* s : streams) n += s->live && s->ctx == ctx && !s->legacyDefault;
  return n;
}

size_t liveEvents(Context* ctx) {
  size_t n = 0;
  for (Event* e : events) n += e->live && e->ctx == ctx;
  return n;
}

}  // namespace standin

using namespace standin;

// ---- streams ----

STANDIN_API CUresult cuStreamCreate(void** phStream, unsigned flags) {
  Context* ctx;
  CUresult rc = needContext(&ctx);
  if (rc != CUDA_SUCCESS) return rc;
  if (phStream == nullptr || (flags & ~CU_STREAM_NON_BLOCKING) != 0) return CUDA_ERROR_INVALID_VALUE;
  Guard g(bigLock);
  *phStream = newStream(ctx, flags, false);
  return CUDA_SUCCESS;
}

STANDIN_API CUresult cuStreamCreateWithPriority(void** phStream, unsigned flags, int priority) {
  (void)priority;
  return cuStreamCreate(phStream, flags);
}

STANDIN_API CUresult cuStreamGetFlags(void* handle, unsigned* flags) {
  Context* ctx;
  Stream* s;
  CUresult rc = currentStream(handle, &ctx, &s);
  if (rc != CUDA_SUCCESS) return rc;
  if (flags == nullptr) return CUDA_ERROR_INVALID_VALUE;
  *flags = s->flags;
  return CUDA_SUCCESS;
}

STANDIN_API CUresult cuStreamDestroy_v2(void* handle) {
  Context* ctx;
  CUresult rc = needContext(&ctx);
  if (rc != CUDA_SUCCESS) return rc;
  if ((uintptr_t)handle <= 2) return CUDA_ERROR_INVALID_HANDLE;
  Stream* s;
  rc = resolveStream(handle, ctx, &s);
  if (rc != CUDA_SUCCESS) return rc;
  Guard g(bigLock);
  stopStream(s);  // queued work still completes, as on a GPU
  return CUDA_SUCCESS;
}

STANDIN_API CUresult cuStreamSynchronize(void* handle) {
  Context* ctx;
  Stream* s;
  CUresult rc = currentStream(handle, &ctx, &s);
  if (rc != CUDA_SUCCESS) return rc;
  drain(s);
  return ctx->sticky;
}

STANDIN_API CUresult cuStreamQuery(void* handle) {
  Context* ctx;
  Stream* s;
  CUresult rc = currentStream(handle, &ctx, &s);
  if (rc != CUDA_SUCCESS) return rc;
  std::lock_guard<std::mutex> l(s->m);
  return s->completed == s->enqueued ? CUDA_SUCCESS : CUDA_ERROR_NOT_READY;
}

STANDIN_API CUresult cuStreamWaitEvent(void* handle, void* hEvent, unsigned flags) {
  Context* ctx;
  CUresult rc = needContext(&ctx);
  if (rc != CUDA_SUCCESS) return rc;
  if (flags != 0) return CUDA_ERROR_INVALID_VALUE;
  Stream* s;
  rc = resolveStream(handle, ctx, &s);
  if (rc != CUDA_SUCCESS) return rc;
  Event* e;
  rc = resolveEvent(hEvent, &e);
  if (rc != CUDA_SUCCESS) return rc;
  uint64_t target;
  {
    std::lock_guard<std::mutex> l(e->m);
    target = e->recorded;
  }
  Op op;
  op.what = "cuStreamWaitEvent";
  op.bookkeeping = true;
  op.run = [e, target] {
    std::unique_lock<std::mutex> l(e->m);
    e->cv.wait(l, [e, target] { return e->done >= target; });
  };
  enqueue(s, std::move(op));
  return CUDA_SUCCESS;
}

// ---- events ----

STANDIN_API CUresult cuEventCreate(void** phEvent, unsigned flags) {
  Context* ctx;
  CUresult rc = needContext(&ctx);
  if (rc != CUDA_SUCCESS) return rc;
  if (phEvent == nullptr || (flags & ~0x7u) != 0) return CUDA_ERROR_INVALID_VALUE;
  Guard g(bigLock);
  Event* e = new Event();
  e->ctx = ctx;
  e->flags = flags;
  events.push_back(e);
  eventHandles.insert(e);
  *phEvent = e;
  return CUDA_SUCCESS;
}

STANDIN_API CUresult cuEventDestroy_v2(void* hEvent) {
  Context* ctx;
  CUresult rc = needContext(&ctx);
  if (rc != CUDA_SUCCESS) return rc;
  Event* e;
  rc = resolveEvent(hEvent, &e);
  if (rc != CUDA_SUCCESS) return rc;
  Guard g(bigLock);
  e->live = false;
  return CUDA_SUCCESS;
}

STANDIN_API CUresult cuEventRecord(void* hEvent, void* handle) {
  Context* ctx;
  CUresult rc = needContext(&ctx);
  if (rc != CUDA_SUCCESS) return rc;
  Event* e;
  rc = resolveEvent(hEvent, &e);
  if (rc != CUDA_SUCCESS) return rc;
  Stream* s;
  rc = resolveStream(handle, ctx, &s);
  if (rc != CUDA_SUCCESS) return rc;
  if (e->ctx != ctx) {
    problem(format("cuEventRecord: the event belongs to device %d, the stream to device %d", e->ctx->device,
                   ctx->device));
    return CUDA_ERROR_INVALID_HANDLE;
  }
  uint64_t target;
  {
    std::lock_guard<std::mutex> l(e->m);
    target = ++e->recorded;
    e->everRecorded = true;
  }
  Op op;
  op.what = "cuEventRecord";
  op.bookkeeping = true;
  op.run = [e, target] {
    {
      std::lock_guard<std::mutex> l(e->m);
      if (target > e->done) e->done = target;
      e->timeNs = nowNs();
    }
    e->cv.notify_all();
  };
  enqueue(s, std::move(op));
  return CUDA_SUCCESS;
}

STANDIN_API CUresult cuEventRecordWithFlags(void* hEvent, void* handle, unsigned flags) {
  if (flags != 0) return CUDA_ERROR_INVALID_VALUE;
  return cuEventRecord(hEvent, handle);
}

STANDIN_API CUresult cuEventQuery(void* hEvent) {
  Context* ctx;
  CUresult rc = needContext(&ctx);
  if (rc != CUDA_SUCCESS) return rc;
  Event* e;
  rc = resolveEvent(hEvent, &e);
  if (rc != CUDA_SUCCESS) return rc;
  std::lock_guard<std::mutex> l(e->m);
  return e->done >= e->recorded ? CUDA_SUCCESS : CUDA_ERROR_NOT_READY;
}

STANDIN_API CUresult cuEventSynchronize(void* hEvent) {
  Context* ctx;
  CUresult rc = needContext(&ctx);
  if (rc != CUDA_SUCCESS) return rc;
  Event* e;
  rc = resolveEvent(hEvent, &e);
  if (rc != CUDA_SUCCESS) return rc;
  std::unique_lock<std::mutex> l(e->m);
  uint64_t target = e->recorded;
  e->cv.wait(l, [e, target] { return e->done >= target || e->ctx->sticky != CUDA_SUCCESS; });
  return e->ctx->sticky;
}

STANDIN_API CUresult cuEventElapsedTime(float* ms, void* hStart, void* hEnd) {
  Context* ctx;
  CUresult rc = needContext(&ctx);
  if (rc != CUDA_SUCCESS) return rc;
  if (ms == nullptr) return CUDA_ERROR_INVALID_VALUE;
  Event* a;
  Event* b;
  rc = resolveEvent(hStart, &a);
  if (rc == CUDA_SUCCESS) rc = resolveEvent(hEnd, &b);
  if (rc != CUDA_SUCCESS) return rc;
  if ((a->flags & CU_EVENT_DISABLE_TIMING) || (b->flags & CU_EVENT_DISABLE_TIMING)) return CUDA_ERROR_INVALID_HANDLE;
  std::unique_lock<std::mutex> la(a->m, std::defer_lock), lb(b->m, std::defer_lock);
  if (a == b) {
    la.lock();
  } else {
    std::lock(la, lb);
  }
  if (!a->everRecorded || !b->everRecorded) return CUDA_ERROR_INVALID_HANDLE;
  if (a->done < a->recorded || b->done < b->recorded) return CUDA_ERROR_NOT_READY;
  *ms = (float)((double)(b->timeNs - a->timeNs) / 1e6);
  return CUDA_SUCCESS;
}

// The stream waits until the 32-bit word at addr (device or pinned memory) passes the test:
// flags 0 GEQ (as a wrapping difference), 1 EQ, 2 AND, 3 NOR.
STANDIN_API CUresult cuStreamWaitValue32_v2(void* handle, CUdeviceptr addr, unsigned value, unsigned flags) {
  Context* ctx;
  CUresult rc = needContext(&ctx);
  if (rc != CUDA_SUCCESS) return rc;
  if (flags > 3 || addr % 4 != 0) return CUDA_ERROR_INVALID_VALUE;
  Stream* s;
  rc = resolveStream(handle, ctx, &s);
  if (rc != CUDA_SUCCESS) return rc;
  Op op;
  {
    Guard g(bigLock);
    Allocation* a = findAllocation((uintptr_t)addr);
    if (a == nullptr || !a->live || addr + 4 > a->base + a->size) {
      problem(format("cuStreamWaitValue32: 0x%llx is not in a live allocation", (unsigned long long)addr));
      return CUDA_ERROR_INVALID_VALUE;
    }
    op.uses.push_back(a);
  }
  op.what = "cuStreamWaitValue32";
  op.run = [addr, value, flags] {
    const volatile unsigned* word = (const volatile unsigned*)(uintptr_t)addr;
    for (;;) {
      unsigned v = __atomic_load_n(word, __ATOMIC_ACQUIRE);
      bool pass = flags == 0 ? (int)(v - value) >= 0 : flags == 1 ? v == value : flags == 2 ? (v & value) != 0
                                                                                            : ~(v | value) != 0;
      if (pass) return;
      timespec t{0, 50000};
      nanosleep(&t, nullptr);
    }
  };
  enqueue(s, std::move(op));
  return CUDA_SUCCESS;
}
