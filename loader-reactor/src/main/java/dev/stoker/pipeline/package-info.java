/**
 * The loader: a backpressured Reactor pipeline from a {@link dev.stoker.api.SampleSource} through
 * parallel decode and augmentation into a {@link dev.stoker.api.BatchRing}.
 *
 * <pre>
 * permutation(seed, epoch) ─► read (virtual threads) ─► decode + augment (N workers, in order)
 *   ─► RingBridge: copy into the next position of the open slot; publish when full
 *   ─► BatchRing ─► consumer thread
 * </pre>
 *
 * <p>Demand flows the other way: the bridge requests exactly as many samples as there are free
 * sample positions in the ring, so a slow consumer slows every stage instead of growing a queue.
 */
package dev.stoker.pipeline;
