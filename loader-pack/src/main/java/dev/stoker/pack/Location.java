package dev.stoker.pack;

import dev.stoker.storage.BlobStores;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A dataset location split into the root its store opens and what it names inside it: the root
 * itself, the pack descriptor ({@code .../stoker-pack.json}), one tar shard ({@code .../x.tar}), or
 * a numbered range of shards ({@code .../shard-{000000..000099}.tar}, the WebDataset brace form, for
 * stores that cannot be listed).
 *
 * @param root the store's location: a local directory or a URL, without the last segment when that
 *     segment names files
 * @param shards the keys of the tar shards named, in order; empty when none is
 * @param descriptor whether the location named the pack descriptor itself
 * @param remote whether the root is an {@code http(s)://} or {@code s3://} URL
 */
record Location(String root, List<String> shards, boolean descriptor, boolean remote) {
  /** {@code PREFIX{FROM..TO}SUFFIX}: decimal bounds of at most 9 digits. */
  private static final Pattern RANGE = Pattern.compile("([^{}]*)\\{([0-9]{1,9})\\.\\.([0-9]{1,9})\\}([^{}]*)");

  Location {
    shards = List.copyOf(shards);
  }

  static Location parse(String location) {
    if (BlobStores.isRemote(location)) {
      String trimmed = location;
      while (trimmed.endsWith("/")) {
        trimmed = trimmed.substring(0, trimmed.length() - 1);
      }
      int authority = trimmed.indexOf("://") + 3;
      int slash = trimmed.lastIndexOf('/');
      if (slash <= authority) {
        return new Location(trimmed, List.of(), false, true); // a bucket or a host: no file named
      }
      String last = trimmed.substring(slash + 1);
      String parent = trimmed.substring(0, slash);
      if (last.equals(PackDescriptor.FILE_NAME)) {
        return new Location(parent, List.of(), true, true);
      }
      List<String> range = range(last);
      if (range != null) {
        return new Location(parent, range, false, true);
      }
      if (isTar(last)) {
        return new Location(parent, List.of(last), false, true);
      }
      return new Location(trimmed, List.of(), false, true);
    }
    Path path = localPath(location);
    Path name = path.getFileName();
    Path parent = path.toAbsolutePath().getParent();
    if (name != null && parent != null) {
      if (name.toString().equals(PackDescriptor.FILE_NAME)) {
        return new Location(parent.toString(), List.of(), true, false);
      }
      List<String> range = range(name.toString());
      if (range != null) {
        return new Location(parent.toString(), range, false, false);
      }
      if (isTar(name.toString()) && Files.isRegularFile(path)) {
        return new Location(parent.toString(), List.of(name.toString()), false, false);
      }
    }
    return new Location(path.toString(), List.of(), false, false);
  }

  /**
   * The shard names of {@code PREFIX{FROM..TO}SUFFIX.tar}, numbers zero-padded to FROM's width
   * when FROM and TO have the same width; null if {@code name} is not of that form.
   *
   * @throws IllegalArgumentException if FROM is above TO or the range holds more than
   *     {@link PackDescriptor#MAX_SHARDS} names
   */
  static List<String> range(String name) {
    Matcher m = RANGE.matcher(name);
    if (!m.matches() || !m.group(4).toLowerCase(Locale.ROOT).endsWith(".tar")) {
      return null;
    }
    int from = Integer.parseInt(m.group(2));
    int to = Integer.parseInt(m.group(3));
    if (from > to || (long) to - from + 1 > PackDescriptor.MAX_SHARDS) {
      throw new IllegalArgumentException("shard range {" + m.group(2) + ".." + m.group(3) + "} must run upwards "
          + "and hold at most " + PackDescriptor.MAX_SHARDS + " shards");
    }
    String format = m.group(2).length() == m.group(3).length() ? "%0" + m.group(2).length() + "d" : "%d";
    List<String> names = new ArrayList<>(to - from + 1);
    for (int i = from; i <= to; i++) {
      names.add(m.group(1) + String.format(format, i) + m.group(4));
    }
    return names;
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
