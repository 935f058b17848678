/**
 * The batch ring: a Disruptor ring of preallocated off-heap slots, in direct memory or in any
 * {@code SlotMemory} (loader-cuda provides pinned CUDA host memory). No JCuda, no Reactor.
 *
 * <pre>{@code
 * module my.trainer {
 *   requires dev.stoker.ring;   // reads dev.stoker.api too
 * }
 * }</pre>
 */
module dev.stoker.ring {
  requires transitive dev.stoker.api;
  requires com.lmax.disruptor;

  exports dev.stoker.ring;
}
