package dev.stoker.dataset;

import dev.stoker.api.LoaderException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** File reads and directory checks that every file-based source shares, with errors naming the path. */
final class ImageFiles {
  private ImageFiles() {}

  /**
   * Reads one image file.
   *
   * @throws IOException whose message starts with the path: missing, or unreadable and why
   */
  static ByteBuffer read(Path file) throws IOException {
    try {
      return ByteBuffer.wrap(Files.readAllBytes(file));
    } catch (IOException e) {
      throw named(file, e);
    }
  }

  /**
   * Reads one image file into {@code reuse} if it has room, else into a new direct buffer with
   * some headroom (see {@link dev.stoker.api.SampleSource#read(int, ByteBuffer)}).
   *
   * @throws IOException whose message starts with the path: missing, unreadable and why, or too large
   */
  static ByteBuffer read(Path file, ByteBuffer reuse) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size > Integer.MAX_VALUE - 8) {
        throw new IOException(file + ": " + size + " bytes, more than one sample may hold");
      }
      ByteBuffer buffer = reuse != null && reuse.capacity() >= size
          ? reuse.clear()
          : ByteBuffer.allocateDirect((int) Math.min(Integer.MAX_VALUE - 8, size + size / 4 + 4096));
      buffer.limit((int) size);
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // a short read: keep reading until the size read at open, or the end if it shrank
      }
      return buffer.flip();
    } catch (IOException e) {
      throw named(file, e);
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
