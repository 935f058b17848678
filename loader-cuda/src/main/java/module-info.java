/**
 * The batch ring (a Disruptor ring of direct or pinned CUDA host slots) and the device feed.
 *
 * <p>Exported: {@code dev.stoker.cuda}. JCuda loads its natives with {@code System.load}, and the
 * pinned slots are mapped through FFM: run with {@code --enable-native-access=dev.stoker.cuda,jcuda}.
 *
 * <pre>{@code
 * module my.trainer {
 *   requires dev.stoker.cuda;   // reads dev.stoker.api and jcuda too
 * }
 * }</pre>
 */
// "requires-automatic", "requires-transitive-automatic": JCuda has neither a module descriptor nor an
// Automatic-Module-Name, so its module name "jcuda" comes from the jar's file name (jcuda-12.0.0.jar);
// the API shows JCuda types (DeviceBatch.pixels() is a CUdeviceptr), so a user's module must read it.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.stoker.cuda {
  requires transitive dev.stoker.api;
  requires transitive jcuda;
  requires com.lmax.disruptor;
  requires org.slf4j;

  exports dev.stoker.cuda;
}
