package dev.stoker.pack;

import dev.stoker.api.SampleSource;
import dev.stoker.storage.BlobStore;
import java.io.IOException;

/**
 * Where {@link Packs} hands a location holding {@code stoker-pack.json} over to the pack reader. The
 * source it returns owns the store {@link Packs} opened for it: closing the source closes the store.
 */
final class PackSources {
  private PackSources() {}

  static SampleSource open(BlobStore store, String location, PackReadOptions options) throws IOException {
    PackSource source = PackSource.open(store, location, options);
    source.closeStoreOnClose(store);
    return source;
  }
}
