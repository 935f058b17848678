/**
 * The batch ring: preallocated slots on the LMAX Disruptor between the pipeline and the thread
 * that trains, in pinned CUDA host memory where a GPU is usable and plain off-heap memory where
 * not. Each slot is one block holding the batch's pixels and, for detection layouts, its boxes and
 * box labels right after them, so a trainer copies a batch to the GPU from one allocation. This
 * module does not depend on Reactor.
 */
package dev.stoker.cuda;
