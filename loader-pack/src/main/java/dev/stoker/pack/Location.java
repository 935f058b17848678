package dev.stoker.pack;

import dev.stoker.storage.BlobStores;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A dataset location split into the root its store opens and what it names inside it: the root
 * itself, the pack descriptor ({@code .../stoker-pack.json}), or one tar shard ({@code .../x.tar}).
 *
 * @param root the store's location: a local directory or a URL without the last segment when that
 *     segment names a file
 * @param shard the key of the one tar shard named, or null
 * @param descriptor whether the location named the pack descriptor itself
 * @param remote whether the root is an {@code http(s)://} or {@code s3://} URL
 */
record Location(String root, String shard, boolean descriptor, boolean remote) {
  static Location parse(String location) {
    if (BlobStores.isRemote(location)) {
      String trimmed = location;
      while (trimmed.endsWith("/")) {
        trimmed = trimmed.substring(0, trimmed.length() - 1);
      }
      int authority = trimmed.indexOf("://") + 3;
      int slash = trimmed.lastIndexOf('/');
      if (slash <= authority) {
        return new Location(trimmed, null, false, true); // a bucket or a host: no file named
      }
      String last = trimmed.substring(slash + 1);
      String parent = trimmed.substring(0, slash);
      if (last.equals(PackDescriptor.FILE_NAME)) {
        return new Location(parent, null, true, true);
      }
      if (isTar(last)) {
        return new Location(parent, last, false, true);
      }
      return new Location(trimmed, null, false, true);
    }
    Path path = localPath(location);
    Path name = path.getFileName();
    Path parent = path.toAbsolutePath().getParent();
    if (name != null && parent != null) {
      if (name.toString().equals(PackDescriptor.FILE_NAME)) {
        return new Location(parent.toString(), null, true, false);
      }
      if (isTar(name.toString()) && Files.isRegularFile(path)) {
        return new Location(parent.toString(), name.toString(), false, false);
      }
    }
    return new Location(path.toString(), null, false, false);
  }

  /**
   * The local path of a location that is not remote: a {@code file:} URI or a path.
   *
   * @throws IllegalArgumentException or {@link java.nio.file.InvalidPathException} if it is neither
   */
  static Path localPath(String location) {
    if (location.regionMatches(true, 0, "file:", 0, 5)) {
      return Path.of(URI.create(location));
    }
    return Path.of(location);
  }

  static boolean isTar(String name) {
    return name.toLowerCase(Locale.ROOT).endsWith(".tar") && name.length() > 4;
  }
}
