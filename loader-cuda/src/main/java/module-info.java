/**
 * The device feed: pinned CUDA host slots for the batch ring (loader-ring), the copy to the GPU,
 * the normalization kernels and the consumer loop that calls a training step.
 *
 * <p>Exported: {@code dev.stoker.cuda} (the feed) and {@code dev.stoker.cuda.trainer} (the reference
 * trainer the demo runs); {@code dev.stoker.cuda.internal} is not. This module calls no restricted method itself; JCuda loads
 * its natives with {@code System.load}: run with {@code --enable-native-access=jcuda}, and on the
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
