package dev.stoker.cuda;

/**
 * What a {@link DeviceFeed} has done so far.
 *
 * @param backend {@code "cuda"} or {@code "host"}
 * @param batches batches handed to a step
 * @param bytesCopied bytes copied from pinned slots to the GPU (0 on the host)
 * @param deviceWaitNanos time the consumer thread waited for the GPU to finish a step two batches
 *     back before reusing its buffers: time the GPU, not the data, was the bottleneck
 */
public record FeedStats(String backend, long batches, long bytesCopied, long deviceWaitNanos) {}
