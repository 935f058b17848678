// Driver stand-in: runs a launch's grid on the calling stream worker. Kernels without barriers
// run each thread as a plain call; kernels that call __syncthreads run each thread of a block as
// a fiber (a stack of its own, switched by standin_switch below) that yields to the block's
// scheduler at the barrier. A TEST FIXTURE, not a GPU.
#include <sys/mman.h>

#include <cstring>

#include "kernel_abi.h"
#include "standin.h"
#include "standin_rt.h"

namespace standin {

// ---- fibers: one per thread of a block, for kernels that call __syncthreads ----

// Saves the callee-saved registers on the current stack, stores the stack pointer in *from and
// continues on the stack `to` (saved the same way). MXCSR and the x87 control word are not
// switched: every fiber of a worker runs kernel code that leaves them alone.
extern "C" void standin_switch(void** from, void* to);
extern "C" void standin_fiber_start();
asm(R"(
  .text
  .globl standin_switch
  .hidden standin_switch
  .type standin_switch,@function
standin_switch:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
  .size standin_switch, .-standin_switch

  .globl standin_fiber_start
  .hidden standin_fiber_start
  .type standin_fiber_start,@function
standin_fiber_start:
  movq %r12, %rdi
  callq *%r13
  ud2
  .size standin_fiber_start, .-standin_fiber_start
)");

enum class FiberState { READY, BARRIER, DONE };
static const size_t FIBER_STACK = 128 * 1024;

struct BlockRun {
  const KernelDesc* desc;
  const unsigned char* args;
  void* schedulerSp;
  std::vector<void*> sp;
  std::vector<FiberState> state;
  std::vector<uint3> index;  // threadIdx of each fiber
  size_t currentFiber;
};

static thread_local BlockRun* running = nullptr;  // the block whose fibers this worker runs
static thread_local std::vector<char*> stacks;     // this worker's fiber stacks, reused
static thread_local bool warnedBarrier = false;

static void fiberMain(void* arg) {
  BlockRun* run = (BlockRun*)arg;
  run->desc->invoke(run->desc, run->args);
  run->state[run->currentFiber] = FiberState::DONE;
  void* dead;
  standin_switch(&dead, run->schedulerSp);
}

static void* newFiber(size_t i, BlockRun* run) {
  while (stacks.size() <= i) {
    void* p = mmap(nullptr, FIBER_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    mprotect(p, 4096, PROT_NONE);  // guard page: an overflow faults instead of corrupting
    stacks.push_back((char*)p);
  }
  // Stack tops FIBER_STACK apart would all fall into the same cache sets: stagger them.
  uintptr_t color = (i * 832) % 32768;
  uintptr_t top = ((uintptr_t)stacks[i] + FIBER_STACK - color) & ~(uintptr_t)15;
  uint64_t* s = (uint64_t*)top;
  s[-1] = (uint64_t)(uintptr_t)&standin_fiber_start;  // ret target
  s[-2] = 0;                                          // rbp
  s[-3] = 0;                                          // rbx
  s[-4] = (uint64_t)(uintptr_t)run;                   // r12: argument
  s[-5] = (uint64_t)(uintptr_t)&fiberMain;            // r13: function
  s[-6] = 0;                                          // r14
  s[-7] = 0;                                          // r15
  return &s[-7];
}

}  // namespace standin

namespace standin_rt {
void syncthreads() {
  using namespace standin;
  BlockRun* run = running;
  if (run == nullptr) {
    if (!warnedBarrier && builtins.blockDim.x * builtins.blockDim.y * builtins.blockDim.z > 1) {
      warnedBarrier = true;
      problem("a kernel called __syncthreads but the stand-in ran it without barriers (build.sh found no "
              "__syncthreads in its body)");
    }
    return;
  }
  run->state[run->currentFiber] = FiberState::BARRIER;
  standin_switch(&run->sp[run->currentFiber], run->schedulerSp);
}

unsigned long long globaltimer() { return (unsigned long long)standin::nowNs(); }
}  // namespace standin_rt

namespace standin {

static void runBlockFibers(BlockRun& run, size_t threads, const dim3& block, const std::string& name) {
  run.sp.resize(threads);
  run.state.assign(threads, FiberState::READY);
  run.index.resize(threads);
  for (size_t t = 0; t < threads; t++) {
    run.index[t] = {(unsigned)(t % block.x), (unsigned)(t / block.x % block.y), (unsigned)(t / block.x / block.y)};
  }
  for (size_t t = 0; t < threads; t++) run.sp[t] = newFiber(t, &run);
  running = &run;
  bool diverged = false;
  for (;;) {
    size_t done = 0, waiting = 0;
    for (size_t t = 0; t < threads; t++) {
      if (run.state[t] != FiberState::READY) continue;
      run.currentFiber = t;
      standin_rt::builtins.threadIdx = run.index[t];
      standin_switch(&run.schedulerSp, run.sp[t]);
    }
    for (size_t t = 0; t < threads; t++) {
      done += run.state[t] == FiberState::DONE;
      waiting += run.state[t] == FiberState::BARRIER;
    }
    if (waiting == 0) break;
    if (done > 0 && !diverged) {
      diverged = true;
      problem(format("kernel %s: %zu thread(s) of a block wait at __syncthreads while %zu already returned", name.c_str(),
                     waiting, done));
    }
    for (size_t t = 0; t < threads; t++) {
      if (run.state[t] == FiberState::BARRIER) run.state[t] = FiberState::READY;
    }
  }
  running = nullptr;
}


static const unsigned char* canary() {
  static unsigned char* bytes = [] {
    unsigned char* b = new unsigned char[MAX_DYNAMIC_SHARED];
    memset(b, 0xA5, MAX_DYNAMIC_SHARED);
    return b;
  }();
  return bytes;
}

void execute(const Launch& l) {
  const KernelDesc* d = l.desc;
  size_t threads = (size_t)l.block.x * l.block.y * l.block.z;
  unsigned char* dyn = d->dynamicShared != nullptr ? (unsigned char*)d->dynamicShared() : nullptr;
  standin_rt::builtins.gridDim = l.grid;
  standin_rt::builtins.blockDim = l.block;
  BlockRun run;
  run.desc = d;
  run.args = l.args.data();
  for (unsigned bz = 0; bz < l.grid.z; bz++) {
    for (unsigned by = 0; by < l.grid.y; by++) {
      for (unsigned bx = 0; bx < l.grid.x; bx++) {
        standin_rt::builtins.blockIdx = {bx, by, bz};
        if (dyn != nullptr) {
          memset(dyn, 0xFF, l.shared);  // shared memory starts as garbage (NaN floats)
          memset(dyn + l.shared, 0xA5, MAX_DYNAMIC_SHARED - l.shared);
        }
        if (d->barriers) {
          runBlockFibers(run, threads, l.block, d->name);
        } else {
          for (size_t t = 0; t < threads; t++) {
            standin_rt::builtins.threadIdx = {(unsigned)(t % l.block.x), (unsigned)(t / l.block.x % l.block.y),
                                     (unsigned)(t / l.block.x / l.block.y)};
            d->invoke(d, l.args.data());
          }
        }
        if (dyn != nullptr && memcmp(dyn + l.shared, canary(), MAX_DYNAMIC_SHARED - l.shared) != 0) {
          problem(format("kernel %s used dynamic shared memory beyond the %u bytes it was launched with", d->name,
                         l.shared));
        }
      }
    }
  }
}

}  // namespace standin
