package dev.stoker.dataset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The directory a source's images must really be in, symbolic links resolved, and which of the
 * directories its images lie in are inside it. A directory's real path is found once (one
 * {@code realpath}, a system call per path component) and remembered, so a read costs one
 * {@code lstat} of the file itself ({@link ImageFiles#open}); only a file that is itself a link
 * has its real path found on every read.
 *
 * <p>Remembering directories means a directory replaced by a link after its first read is not
 * noticed: that takes write access to the dataset while it is read, which could change the images
 * anyway. Thread-safe.
 */
final class Confinement {
  private final Path root;
  private final Path realRoot;
  private final ConcurrentHashMap<Path, Boolean> directories = new ConcurrentHashMap<>();

  /** @throws IOException if {@code root}'s real path cannot be found (missing, unreadable) */
  Confinement(Path root) throws IOException {
    this.root = root;
    this.realRoot = root.toRealPath();
  }

  /**
   * Checks that {@code file}'s directory is really inside the root.
   *
   * @throws IOException naming {@code file} if it is not, or if the directory cannot be resolved
   */
  void checkDirectory(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Boolean inside = directories.get(parent);
    if (inside == null) {
      inside = parent.toRealPath().startsWith(realRoot);
      directories.put(parent, inside);
    }
    if (!inside) {
      throw outside(file);
    }
  }

  /**
   * {@code link}'s real path, if it is inside the root.
   *
   * @throws IOException naming {@code link} if it leads outside, or cannot be resolved
   */
  Path resolveLink(Path link) throws IOException {
    Path target = link.toRealPath();
    if (!target.startsWith(realRoot)) {
      throw outside(link);
    }
    return target;
  }

  private IOException outside(Path file) {
    return new IOException(file + ": refused: a symbolic link leads outside the dataset directory " + root);
  }
}
