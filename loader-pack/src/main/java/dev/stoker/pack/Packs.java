package dev.stoker.pack;

import dev.stoker.api.LoaderException;
import dev.stoker.api.SampleSource;
import dev.stoker.api.internal.Checks;
import dev.stoker.storage.BlobStore;
import dev.stoker.storage.BlobStores;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Opens packed and remote datasets by location: a local path, a {@code file:} URI, an
 * {@code http(s)://} URL or {@code s3://bucket/prefix}.
 *
 * <ol>
 *   <li>The location names a {@code .tar} file: that one WebDataset shard; or a numbered range of
 *       them, {@code shard-{000000..000099}.tar} (zero-padded when both bounds have the same
 *       width), which is how shards on a plain HTTP(S) server, which cannot be listed, are named.
 *   <li>It names {@code .../stoker-pack.json}, or its root holds one: a Stoker pack (descriptor,
 *       index and shards).
 *   <li>Else the root is listed (local directories, S3 prefixes; not plain HTTP servers, which
 *       cannot list: name a descriptor or a shard there): if it holds {@code *.tar} keys (at any
 *       depth, in sorted order), they are read as WebDataset shards Stoker did not write
 *       ({@code KEY.jpg}/{@code .jpeg}/{@code .png} with {@code KEY.cls} or {@code KEY.json}).
 *   <li>Else a remote root is read as an image folder of plain objects,
 *       {@code <class>/<image>}; a local one is refused (a local image folder opens with
 *       {@code dev.stoker.dataset.Datasets}).
 * </ol>
 *
 * <p><b>Closing.</b> A {@link SampleSource} has no {@code close}; the source returned here owns the
 * store it reads through and is also {@link AutoCloseable}: closing it releases the store's
 * connections and threads (nothing for a local directory). A program that opens a remote location
 * once for its lifetime may leave it open.
 *
 * <pre>{@code
 * SampleSource train = Packs.open("s3://bucket/imagenet-256");            // a pack, shards or plain files
 * SampleSource foreign = Packs.open("/data/wds/shard-000017.tar");        // one WebDataset shard
 * if (train instanceof AutoCloseable closeable) { closeable.close(); }
 * }</pre>
 */
public final class Packs {
  private Packs() {}

  /**
   * Opens {@code location} with {@link PackReadOptions#defaults()}.
   *
   * @param location a local path, {@code file:} URI, {@code http(s)://} URL or {@code s3://bucket/prefix}
   * @return the open source, also {@link AutoCloseable}
   * @throws LoaderException naming the location if it cannot be opened or holds no dataset
   */
  public static SampleSource open(String location) {
    return open(location, PackReadOptions.defaults());
  }

  /**
   * Opens {@code location} by the rule in the class documentation.
   *
   * @param location a local path, {@code file:} URI, {@code http(s)://} URL or {@code s3://bucket/prefix}
   * @param options how the pack or shards are read and the store's timeouts and retries
   * @return the open source, also {@link AutoCloseable}
   * @throws LoaderException naming the location if it cannot be opened or holds no dataset; a
   *     {@link PackFormatException} naming the file if a pack's descriptor or index is malformed
   */
  public static SampleSource open(String location, PackReadOptions options) {
    Checks.notNull(location, "location");
    Checks.notNull(options, "options");
    Checks.argument(!location.isBlank(), "location", "is empty");
    Location where = parse(location);
    BlobStore store = openStore(where, location, options);
    boolean handedOver = false;
    try {
      SampleSource source = open(store, where, location, options);
      handedOver = true;
      return source;
    } catch (IOException e) {
      throw new LoaderException(location + ": cannot read: " + e.getMessage(), e);
    } finally {
      if (!handedOver) {
        store.close();
      }
    }
  }

  private static SampleSource open(BlobStore store, Location where, String location, PackReadOptions options)
      throws IOException {
    if (!where.shards().isEmpty()) {
      return WebDatasetSource.open(store, location, where.shards(), options);
    }
    if (where.descriptor() || exists(store, PackDescriptor.FILE_NAME)) {
      return PackSources.open(store, where.root(), options);
    }
    List<String> keys = list(store, location);
    List<String> shards = keys.stream().filter(Location::isTar).toList();
    if (!shards.isEmpty()) {
      return WebDatasetSource.open(store, location, shards, options);
    }
    if (where.remote()) {
      return ObjectFolderSource.open(store, location, keys, options);
    }
    throw new LoaderException(location + ": not a Stoker pack (no " + PackDescriptor.FILE_NAME + ") and no "
        + "WebDataset shards (*.tar); a local image folder opens as a dataset directory (Datasets.open)");
  }

  /**
   * Reads the descriptor of the pack at {@code location} (its root, or its {@code stoker-pack.json}).
   *
   * @param location a local path, {@code file:} URI, {@code http(s)://} URL or {@code s3://bucket/prefix}
   * @return the pack's descriptor
   * @throws PackFormatException naming the descriptor if it is missing or malformed
   * @throws LoaderException naming the location if it cannot be read
   */
  public static PackDescriptor descriptor(String location) {
    return descriptor(location, PackReadOptions.defaults());
  }

  /**
   * Like {@link #descriptor(String)}, reading with {@code options}' storage settings.
   *
   * @param location a local path, {@code file:} URI, {@code http(s)://} URL or {@code s3://bucket/prefix}
   * @param options the store's timeouts, retries and S3 endpoint
   * @return the pack's descriptor
   * @throws PackFormatException naming the descriptor if it is missing or malformed
   * @throws LoaderException naming the location if it cannot be read
   */
  public static PackDescriptor descriptor(String location, PackReadOptions options) {
    Checks.notNull(location, "location");
    Checks.notNull(options, "options");
    Location where = parse(location);
    try (BlobStore store = openStore(where, location, options)) {
      String name = store.location() + "/" + PackDescriptor.FILE_NAME;
      long size;
      try {
        size = store.size(PackDescriptor.FILE_NAME);
      } catch (NoSuchFileException | FileNotFoundException e) {
        throw new PackFormatException(name, "no such file: " + location + " is not a Stoker pack");
      }
      if (size > DescriptorJson.MAX_BYTES) {
        throw new PackFormatException(name, "is " + size + " bytes, more than a descriptor's " + DescriptorJson.MAX_BYTES);
      }
      ByteBuffer bytes = store.read(PackDescriptor.FILE_NAME, 0, (int) size);
      return DescriptorJson.read(bytes, name);
    } catch (IOException e) {
      throw new LoaderException(location + ": cannot read its descriptor: " + e.getMessage(), e);
    }
  }

  /**
   * Whether {@link #open} should be asked to open {@code location}; cheap: any {@code http(s)://}
   * or {@code s3://} URL; a local {@code .tar} file or {@code stoker-pack.json}; a local directory
   * holding {@code stoker-pack.json} or {@code *.tar} files at its top level. A local image
   * folder is not recognised (the dataset layouts open it).
   *
   * @param location a path or URL as the user wrote it; null or blank is not recognised
   * @return {@code true} if this module opens it
   */
  public static boolean recognizes(String location) {
    if (location == null || location.isBlank()) {
      return false;
    }
    if (BlobStores.isRemote(location)) {
      return true;
    }
    try {
      Path path = Location.localPath(location);
      if (path.getFileName() != null && Location.range(path.getFileName().toString()) != null) {
        return true;
      }
      if (Files.isRegularFile(path)) {
        String name = path.getFileName().toString();
        return name.equals(PackDescriptor.FILE_NAME) || Location.isTar(name);
      }
      if (!Files.isDirectory(path)) {
        return false;
      }
      if (Files.isRegularFile(path.resolve(PackDescriptor.FILE_NAME))) {
        return true;
      }
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(path,
          p -> Location.isTar(p.getFileName().toString()) && Files.isRegularFile(p))) {
        return entries.iterator().hasNext();
      }
    } catch (IOException | RuntimeException e) {
      return false; // not a path this module can read (an invalid path, an unreadable directory)
    }
  }

  private static Location parse(String location) {
    try {
      return Location.parse(location);
    } catch (IllegalArgumentException e) {
      throw new LoaderException(location + ": not a path or URL this Stoker reads (" + e.getMessage() + ")", e);
    }
  }

  private static BlobStore openStore(Location where, String location, PackReadOptions options) {
    try {
      return BlobStores.open(where.root(), options.storage());
    } catch (IllegalArgumentException e) {
      throw new LoaderException(location + ": cannot open its storage: " + e.getMessage(), e);
    }
  }

  private static boolean exists(BlobStore store, String key) throws IOException {
    try {
      store.size(key);
      return true;
    } catch (NoSuchFileException | FileNotFoundException e) {
      return false;
    }
  }

  private static List<String> list(BlobStore store, String location) throws IOException {
    try {
      if (!store.listable()) {
        throw new UnsupportedOperationException(store.location() + " cannot be listed");
      }
      return store.list("", ObjectFolderSource.MAX_KEYS);
    } catch (IOException | UnsupportedOperationException e) {
      if (!store.listable() || location.regionMatches(true, 0, "http", 0, 4)) {
        // a plain HTTP(S) server cannot be listed: say how to name what it holds
        throw new LoaderException(location + ": holds no " + PackDescriptor.FILE_NAME + ", and an HTTP(S) location "
            + "cannot be listed: name the pack's " + PackDescriptor.FILE_NAME + ", a .tar shard, or a range of "
            + "shards (shard-{000000..000099}.tar)", e);
      }
      if (e instanceof IOException io) {
        throw io;
      }
      throw new LoaderException(location + ": cannot be listed: " + e.getMessage(), e);
    }
  }
}
