package dev.stoker.pack;

import dev.stoker.api.SampleSource;
import dev.stoker.storage.BlobStore;

/** Where {@link Packs} hands a location holding {@code stoker-pack.json} over to the pack reader. */
final class PackSources {
  private PackSources() {}

  static SampleSource open(BlobStore store, String location, PackReadOptions options) throws java.io.IOException {
    throw new dev.stoker.api.LoaderException(location + ": reading a Stoker pack (stoker-pack.json) is not in this "
        + "build yet");
  }
}
