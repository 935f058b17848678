/**
 * Stoker's vocabulary: samples, images, transforms, batches and rings. Depends on the JDK alone.
 *
 * <p>{@code dev.stoker.api} is the public API. {@code dev.stoker.api.internal} (argument checks) is
 * shared with the other Stoker modules only.
 *
 * <pre>{@code
 * module my.trainer {
 *   requires dev.stoker.api;
 * }
 * }</pre>
 */
@SuppressWarnings("module") // the qualified exports name modules compiled after this one
module dev.stoker.api {
  exports dev.stoker.api;
  exports dev.stoker.advice;
  exports dev.stoker.api.internal to dev.stoker.ring, dev.stoker.reactor, dev.stoker.cuda, dev.stoker.remote, dev.stoker.storage,
      dev.stoker.pack, dev.stoker.cli;
}
