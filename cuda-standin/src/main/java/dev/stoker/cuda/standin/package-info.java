/**
 * TEST FIXTURE: control of the CUDA driver stand-in, a {@code libcuda.so.1} built from this module's C++
 * sources that JCuda loads in place of the real driver in the surefire executions {@code standin} (it is
 * found first through {@code LD_LIBRARY_PATH}).
 *
 * <p>The stand-in has no GPU. It runs the project's kernels on the CPU (host builds of the same {@code .cu}
 * sources), on one worker thread per stream with random seeded delays, so that missing stream ordering shows
 * up as wrong data; it checks kernel parameters against the kernels' signatures, and reports leaks, double
 * frees, frees under queued work and use after free. <strong>Nothing it measures is a GPU figure</strong>:
 * timings, bandwidths and event times taken on the stand-in describe a CPU emulation and must never be
 * reported as GPU numbers.
 *
 * <p>Environment read at {@code cuInit}: {@code STOKER_STANDIN_DEVICES} (default 2),
 * {@code STOKER_STANDIN_DRIVER_VERSION} (default 13000), {@code STOKER_STANDIN_COMPUTE_CAPABILITY} (default
 * 86), {@code STOKER_STANDIN_SEED} (default 14) and {@code STOKER_STANDIN_MAX_DELAY_US} (the longest random
 * delay before a stream operation, default 200; 0 turns the delays off).
 */
package dev.stoker.cuda.standin;
