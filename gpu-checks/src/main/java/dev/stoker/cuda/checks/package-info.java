/**
 * The GPU check program: what cannot be tested without a GPU, run as one command on a GPU machine
 * ({@link dev.stoker.cuda.checks.GpuChecks}): a preflight of every kernel, a pinned-ring round trip
 * checked pixel by pixel, each kernel against its CPU reference (the normalize kernels and the
 * reference trainer's), the copy/compute overlap, host-to-device bandwidth against plain pinned
 * copies and the consumer's wait with a synthetic step, each under a watchdog, ending with
 * {@code N passed, M failed}. The kernels only the checks use ({@code src/main/cuda/checks.cu}) are
 * packed here as {@code checks.fatbin}. Not a library: the GPU bundle ({@code scripts/gpu-check.sh})
 * runs it; nothing depends on it. In {@code ./mvnw verify} it runs on the CUDA driver stand-in
 * (module cuda-standin, a test fixture).
 *
 * <pre>
 * java -cp "$CLASSPATH" dev.stoker.cuda.checks.GpuChecks --json gpu-checks.json
 * </pre>
 */
package dev.stoker.cuda.checks;
