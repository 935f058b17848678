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
  private ImageFiles() {}

  /**
   * Reads one image file into a heap buffer of its size, after the checks of
   * {@link #open(Path, Confinement, long)}.
   *
   * @throws IOException whose message starts with the path: missing, refused, too large, or
   *     unreadable and why
   */
  static ByteBuffer read(Path file, Confinement confinement, long maxBytes) throws IOException {
    try (Opened opened = open(file, confinement, maxBytes)) {
      ByteBuffer buffer = ByteBuffer.allocate(opened.size());
      fill(opened.channel(), buffer);
      return buffer.flip();
    } catch (IOException e) {
      throw named(file, e);
    }
  }

  /**
   * Reads one image file into {@code reuse} if it has room, else into a new direct buffer with
   * some headroom (see {@link dev.stoker.api.SampleSource#read(int, ByteBuffer)}), after the checks
   * of {@link #open(Path, Confinement, long)}; no buffer is allocated for a file over {@code maxBytes}.
   *
   * @throws IOException whose message starts with the path: missing, refused, too large, or
   *     unreadable and why
   */
  static ByteBuffer read(Path file, Confinement confinement, long maxBytes, ByteBuffer reuse) throws IOException {
    try (Opened opened = open(file, confinement, maxBytes)) {
      int size = opened.size();
      ByteBuffer buffer = reuse != null && reuse.capacity() >= size
          ? reuse.clear()
          : ByteBuffer.allocateDirect((int) Math.min(Integer.MAX_VALUE - 8, size + (long) size / 4 + 4096));
      buffer.limit(size);
      fill(opened.channel(), buffer);
      return buffer.flip();
    } catch (IOException e) {
      throw named(file, e);
    }
  }

  /**
   * An open image file and its size at the {@code stat}: at most that many bytes are read, so a file
   * that grows after the check cannot pass the cap (one that shrinks ends the read early).
   */
  record Opened(FileChannel channel, int size) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  /**
   * Opens {@code file} for reading if it is a regular file of at most {@code maxBytes}, checked
   * with one {@code stat} before the open, so that a FIFO (whose open would wait for a writer) or a
   * device is never opened. With {@code confinement} non-null, the file must really be inside its
   * directory: the file's directory must resolve inside it ({@link Confinement}, remembered per
   * directory), and a file that is itself a symbolic link must lead inside; what is opened then has
   * no link at its end ({@code O_NOFOLLOW}). With {@code confinement} null, links are followed
   * wherever they lead.
   *
   * <p>What this cannot stop: someone who can write into the dataset directory while it is read
   * could swap a checked file for a FIFO between the {@code stat} and the {@code open}.
   */
  static Opened open(Path file, Confinement confinement, long maxBytes) throws IOException {
    Path target = file;
    BasicFileAttributes attributes;
    if (confinement == null) {
      attributes = Files.readAttributes(target, BasicFileAttributes.class);
    } else {
      confinement.checkDirectory(file);
      attributes = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (attributes.isSymbolicLink()) {
        target = confinement.resolveLink(file);
        attributes = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      }
    }
    if (!attributes.isRegularFile()) {
      throw new IOException(file + ": refused: not a regular file (" + kind(target, attributes, confinement) + ")");
    }
    if (attributes.size() > maxBytes) {
      throw tooLarge(file, attributes.size(), maxBytes);
    }
    FileChannel channel = confinement != null
        ? FileChannel.open(target, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)
        : FileChannel.open(target, StandardOpenOption.READ);
    return new Opened(channel, (int) attributes.size());
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
  private static String kind(Path file, BasicFileAttributes attributes, Confinement confinement) {
    if (attributes.isDirectory()) {
      return "a directory";
    }
    if (attributes.isSymbolicLink()) {
      return "a symbolic link";
    }
    try {
      LinkOption[] links = confinement == null ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
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
