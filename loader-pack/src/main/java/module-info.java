/**
 * Packed datasets: WebDataset-style tar shards with an index and a descriptor, written once by
 * {@code stoker pack} and read back as a {@link dev.stoker.api.SampleSource} from a local directory,
 * an HTTP(S) server or an S3-compatible object store.
 *
 * <p>Exported: {@code dev.stoker.pack}.
 *
 * <pre>{@code
 * module my.trainer {
 *   requires dev.stoker.pack;
 * }
 * }</pre>
 */
module dev.stoker.pack {
  requires transitive dev.stoker.api;
  requires transitive dev.stoker.reactor;
  requires transitive dev.stoker.storage;
  requires org.apache.commons.compress;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;

  exports dev.stoker.pack;

  provides dev.stoker.dataset.DatasetProvider with dev.stoker.pack.PackDatasetProvider;
}
