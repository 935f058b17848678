/**
 * The device feed: pinned CUDA host slots for the batch ring (loader-ring), the copy to the GPU,
 * the normalization kernels and the consumer loop that calls a training step.
 *
 * <p>Exported: {@code dev.stoker.cuda} (the feed) and {@code dev.stoker.cuda.trainer} (the reference
 * trainer the demo runs); {@code dev.stoker.cuda.internal} is not. This module's one restricted call
 * ({@code MemorySegment.reinterpret}) gives the pinned ring slots to the producers as segments of a
 * shared arena, so that freeing them under a running producer throws there instead of crashing the
 * JVM; JCuda loads its natives with {@code System.load}: run with
 * {@code --enable-native-access=dev.stoker.cuda,jcuda}, and on the
 * module path with {@code --patch-module jcuda=jcuda-natives-VERSION-linux-x86_64.jar} (JCuda finds
 * its natives with {@code Class.getResourceAsStream}, which searches its own module only).
 *
 * <pre>{@code
 * module my.trainer {
 *   requires dev.stoker.cuda;   // reads dev.stoker.api and jcuda too
 * }
 * }</pre>
 */
// "requires-automatic", "requires-transitive-automatic": JCuda has neither a module descriptor nor an
// Automatic-Module-Name, so its module name "jcuda" comes from the jar's file name (jcuda-12.6.0.jar);
// the API shows JCuda types (DeviceBatch.pixels() is a CUdeviceptr), so a user's module must read it.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.stoker.cuda {
  requires transitive dev.stoker.ring;
  requires transitive jcuda;
  requires org.slf4j;

  exports dev.stoker.cuda;
  exports dev.stoker.cuda.trainer;
}
