/**
 * The CUDA backend of the batch ring: {@link dev.stoker.cuda.DeviceFeed} gives the loader rings
 * whose slots are page-locked host memory (a {@link dev.stoker.ring.SlotMemory} for the
 * Disruptor ring of loader-ring), copies each batch to the GPU on a copy stream while the previous
 * step computes, normalizes it with a kernel and hands it to a {@link dev.stoker.cuda.TrainingStep};
 * without a usable GPU the same normalization runs on the host before a
 * {@link dev.stoker.cuda.HostStep}. The plain off-heap ring needs none of this: it is
 * {@code dev.stoker.ring.BatchRings.direct()}. This module does not depend on Reactor.
 *
 * <pre>{@code
 * try (DeviceFeed feed = DeviceFeed.open(DeviceTransform.imagenet(PixelType.FLOAT32));
 *      Loader loader = Loader.builder().source(source).ring(feed.rings(), 4).build()) {
 *   feed.call(() -> loader.run(10, feed.consumer(gpuStep, hostStep)));
 * }
 * }</pre>
 */
package dev.stoker.cuda;
