/**
 * Internals of the CUDA backend that its sibling packages share: driver-call checks
 * ({@link dev.stoker.cuda.internal.Cuda}), kernel modules loaded from class-path fatbins
 * ({@link dev.stoker.cuda.internal.CudaModule}), the normalization kernels and their CPU reference,
 * and the copy/compute timeline. Public only so that {@code dev.stoker.cuda.trainer} and the GPU
 * checks (the gpu-checks module) can reach them; not part of the API and not exported.
 *
 * <pre>{@code
 * try (NormalizeKernels kernels = NormalizeKernels.load()) {   // on the feed's consumer thread
 *   kernels.normalize(in, out, PixelType.FLOAT32, null, scaleBias, n, h, w, c, stream);
 * }
 * }</pre>
 */
package dev.stoker.cuda.internal;
