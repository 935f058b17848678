package dev.stoker.dataset;

import dev.stoker.api.LoaderException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/** File reads and directory checks that every file-based source shares, with errors naming the path. */
final class ImageFiles {
  private static final LinkOption[] FOLLOW = {};
  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

  private ImageFiles() {}

  /**
   * Reads one image file into a heap buffer of its size, after the checks of
   * {@link #open(Path, Path, long)}.
   *
   * @throws IOException whose message starts with the path: missing, refused, too large, or
   *     unreadable and why
   */
  static ByteBuffer read(Path file, Path realRoot, long maxBytes) throws IOException {
    try (FileChannel channel = open(file, realRoot, maxBytes)) {
      int size = checkedSize(file, channel, maxBytes);
      ByteBuffer buffer = ByteBuffer.allocate(size);
      fill(channel, buffer);
      return buffer.flip();
    } catch (IOException e) {
      throw named(file, e);
    }
  }

  /**
   * Reads one image file into {@code reuse} if it has room, else into a new direct buffer with
   * some headroom (see {@link dev.stoker.api.SampleSource#read(int, ByteBuffer)}), after the checks
   * of {@link #open(Path, Path, long)}; no buffer is allocated for a file over {@code maxBytes}.
   *
   * @throws IOException whose message starts with the path: missing, refused, too large, or
   *     unreadable and why
   */
  static ByteBuffer read(Path file, Path realRoot, long maxBytes, ByteBuffer reuse) throws IOException {
    try (FileChannel channel = open(file, realRoot, maxBytes)) {
      int size = checkedSize(file, channel, maxBytes);
      ByteBuffer buffer = reuse != null && reuse.capacity() >= size
          ? reuse.clear()
          : ByteBuffer.allocateDirect((int) Math.min(Integer.MAX_VALUE - 8, size + (long) size / 4 + 4096));
      buffer.limit(size);
      fill(channel, buffer);
      return buffer.flip();
    } catch (IOException e) {
      throw named(file, e);
    }
  }

  /**
   * Opens {@code file} for reading if it is a regular file of at most {@code maxBytes}, checked
   * with one {@code stat} before the open, so that a FIFO (whose open would wait for a writer) or a
   * device is never opened. With {@code realRoot} non-null, the file's real path (every symbolic
   * link resolved) must lie under it, and that real path is what is examined and opened, refusing a
   * link at its end; with {@code realRoot} null, links are followed wherever they lead.
   *
   * <p>What this cannot stop: someone who can write into the dataset directory while it is read
   * could swap a checked file for a FIFO between the {@code stat} and the {@code open}.
   */
  static FileChannel open(Path file, Path realRoot, long maxBytes) throws IOException {
    Path target = file;
    LinkOption[] links = FOLLOW;
    if (realRoot != null) {
      target = file.toRealPath();
      if (!target.startsWith(realRoot)) {
        throw new IOException(file + ": refused: a symbolic link leads outside the dataset directory " + realRoot);
      }
      links = NOFOLLOW;
    }
    BasicFileAttributes attributes = Files.readAttributes(target, BasicFileAttributes.class, links);
    if (!attributes.isRegularFile()) {
      throw new IOException(file + ": refused: not a regular file (" + kind(target, attributes, links) + ")");
    }
    if (attributes.size() > maxBytes) {
      throw tooLarge(file, attributes.size(), maxBytes);
    }
    return realRoot != null
        ? FileChannel.open(target, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)
        : FileChannel.open(target, StandardOpenOption.READ);
  }

  /** The open file's size, again: it may have grown since the {@code stat}. */
  private static int checkedSize(Path file, FileChannel channel, long maxBytes) throws IOException {
    long size = channel.size();
    if (size > maxBytes) {
      throw tooLarge(file, size, maxBytes);
    }
    return (int) size;
  }

  private static IOException tooLarge(Path file, long size, long maxBytes) {
    return new IOException(file + ": " + size + " bytes, over the limit of " + maxBytes
        + " bytes per image (SourceOptions.maxImageBytes, stoker --max-image-bytes)");
  }

  private static void fill(FileChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
      // a short read: keep reading until the size read at open, or the end if it shrank
    }
  }

  /** What a file that is not a regular file is, for an error message. */
  private static String kind(Path file, BasicFileAttributes attributes, LinkOption[] links) {
    if (attributes.isDirectory()) {
      return "a directory";
    }
    if (attributes.isSymbolicLink()) {
      return "a symbolic link";
    }
    try {
      int type = (Integer) Files.getAttribute(file, "unix:mode", links) & 0170000;
      return switch (type) {
        case 0010000 -> "a FIFO";
        case 0020000 -> "a character device";
        case 0060000 -> "a block device";
        case 0140000 -> "a socket";
        default -> "a special file";
      };
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
      return "a device, FIFO or socket";
    }
  }

  /** {@code e} with a message that starts with the path: as is if it already does. */
  private static IOException named(Path file, IOException e) {
    if (e instanceof NoSuchFileException) {
      return new IOException(file + ": no such file", e);
    }
    if (e instanceof AccessDeniedException) {
      return new IOException(file + ": cannot read: permission denied", e);
    }
    if (e.getMessage() != null && e.getMessage().startsWith(file.toString())) {
      return e;
    }
    return new IOException(file + ": cannot read: " + e.getMessage(), e);
  }

  /**
   * Why {@code e} happened, without the path it names: a file-system exception's message is often
   * the bare path ({@link AccessDeniedException} says nothing else), which reads badly after a
   * path prefix.
   */
  static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof NotDirectoryException) {
      return "not a directory";
    }
    if (e instanceof FileSystemException fs) {
      return fs.getReason() != null ? fs.getReason() : e.getClass().getSimpleName();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  /**
   * Returns {@code dir} if it is a directory.
   *
   * @throws LoaderException naming it if it is missing or not a directory
   */
  static Path directory(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new LoaderException(dir + ": " + (Files.exists(dir) ? "not a directory" : "no such directory"));
    }
    return dir;
  }

  /**
   * Returns {@code file} if it is a regular file.
   *
   * @throws LoaderException naming it if it is missing or not a file
   */
  static Path file(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new LoaderException(file + ": " + (Files.exists(file) ? "not a file" : "no such file"));
    }
    return file;
  }
}
