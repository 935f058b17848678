/**
 * The batch ring: preallocated slots on the LMAX Disruptor between the pipeline that fills batches
 * and the one thread that trains on them. Each slot is one block holding the batch's pixels and,
 * for detection layouts, its boxes and box labels right after them, so a consumer can copy a batch
 * elsewhere (to a GPU) from one allocation.
 *
 * <p>The public types: {@link dev.stoker.ring.BatchRings} (ring factories for the loader),
 * {@link dev.stoker.ring.DisruptorBatchRing} (the ring), {@link dev.stoker.ring.SlotMemory} (where
 * slots live: {@code direct()} off-heap memory here, pinned CUDA host memory in loader-cuda) and
 * {@link dev.stoker.ring.ReleaseFence} (keeps a slot from reuse while asynchronous work still reads
 * it). This module depends on loader-api and the Disruptor only: no Reactor, no JCuda.
 *
 * <pre>{@code
 * Loader loader = Loader.builder()
 *     .source(source)
 *     .ring(BatchRings.direct(), 4)      // the Disruptor ring in plain off-heap memory
 *     .build();
 * }</pre>
 */
package dev.stoker.ring;
