/**
 * The GPU check programs: what cannot be tested without a GPU, run as one command on a GPU
 * machine ({@link dev.stoker.cuda.checks.GpuChecks}): a pinned-ring round trip checked pixel by
 * pixel, each kernel against its CPU reference (the normalize kernels and the reference trainer's),
 * the copy/compute overlap, host-to-device bandwidth and the consumer's wait with a synthetic step.
 * The kernels only the checks use ({@code src/main/cuda/checks.cu}) are packed here as
 * {@code checks.fatbin}. Not a library: the GPU bundle runs it; nothing depends on it.
 *
 * <pre>
 * ../shared/gpu/bundle.sh .gpu
 * tar xzf .gpu/bundle.tgz -C /tmp &amp;&amp; /tmp/bundle/run.sh dev.stoker.cuda.checks.GpuChecks
 * </pre>
 */
package dev.stoker.cuda.checks;
