/**
 * The batch ring: preallocated slots on the LMAX Disruptor between the pipeline and the thread
 * that trains, in pinned CUDA host memory where a GPU is usable and plain off-heap memory where
 * not. This module does not depend on Reactor.
 */
package dev.stoker.cuda;
