/**
 * The loader: a Reactor pipeline from a sample source through parallel decode and augmentation into
 * a batch ring, and the file-based dataset formats.
 *
 * <p>Exported: {@code dev.stoker.pipeline}. The decoders and CPU transforms ({@code dev.stoker.image},
 * including the FFM binding of the native decoder, which needs {@code --enable-native-access=dev.stoker.reactor})
 * are shared with the other Stoker modules only.
 *
 * <pre>{@code
 * module my.trainer {
 *   requires dev.stoker.reactor;   // reads dev.stoker.api too
 * }
 * }</pre>
 */
// "module": the qualified exports name modules compiled after this one. "requires-automatic",
// "requires-transitive-automatic": Reactor, Reactive Streams and Micrometer have no module descriptor,
// only an Automatic-Module-Name in their manifests; the API shows Flux (SampleSupplier) and
// MeterRegistry (LoaderBuilder.meterRegistry), so a user's module must read them too.
@SuppressWarnings({"module", "requires-automatic", "requires-transitive-automatic"})
module dev.stoker.reactor {
  requires transitive dev.stoker.api;
  requires transitive dev.stoker.ring;
  requires transitive reactor.core;
  requires transitive micrometer.core;
  requires org.reactivestreams;
  requires com.github.benmanes.caffeine;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;
  requires java.desktop;
  requires java.xml;
  requires jdk.management;   // the machine's physical memory (OffHeapLimit)

  // formats other modules add to Datasets (the packed-dataset module's packs, tar shards and URLs)
  uses dev.stoker.dataset.DatasetProvider;

  exports dev.stoker.pipeline;
  exports dev.stoker.dataset;
  exports dev.stoker.decode;
  exports dev.stoker.image to dev.stoker.remote, dev.stoker.pack, dev.stoker.cli;
}
