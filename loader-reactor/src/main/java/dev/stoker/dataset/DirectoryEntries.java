package dev.stoker.dataset;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lists a directory and says which entries are regular files without a {@code stat} per entry.
 * {@link DirectoryStream} gives only names, so telling files from directories costs one system call
 * per entry, most of the time of listing a million files; Linux's {@code readdir} also gives each
 * entry's type ({@code d_type}), read here through FFM from the C library.
 *
 * <p>The fast path is taken on Linux (x86-64, aarch64) for a directory whose path and entry names
 * are ASCII (so a name decodes to the same bytes whatever the JVM's file-name encoding); anywhere
 * else, or if {@code opendir} fails, the directory is listed with {@link DirectoryStream} (whose
 * exceptions then say what went wrong) and every entry is reported as not known to be a file.
 */
@SuppressWarnings("restricted") // reading directory entries from libc is this class's purpose
final class DirectoryEntries {
  /** An entry; {@code regularFile} is true only if {@code readdir} said so (a link is not known to be one). */
  record Entry(Path path, boolean regularFile) { }

  // struct dirent on 64-bit Linux (glibc and musl): ino 8, off 8, reclen 2, type 1, name[256].
  private static final long TYPE_OFFSET = 18;
  private static final long NAME_OFFSET = 19;
  private static final long DIRENT_SIZE = NAME_OFFSET + 256;
  private static final byte DT_REG = 8;

  private static final MethodHandle OPENDIR;
  private static final MethodHandle READDIR;
  private static final MethodHandle CLOSEDIR;

  static {
    MethodHandle open = null;
    MethodHandle read = null;
    MethodHandle close = null;
    String arch = System.getProperty("os.arch", "");
    if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")
        && (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))) {
      try {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        open = linker.downcallHandle(libc.find("opendir").orElseThrow(), FunctionDescriptor.of(ADDRESS, ADDRESS));
        read = linker.downcallHandle(libc.find("readdir").orElseThrow(), FunctionDescriptor.of(ADDRESS, ADDRESS));
        close = linker.downcallHandle(libc.find("closedir").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
      } catch (RuntimeException e) {
        open = null; // no native access, or no such symbol: DirectoryStream it is
      }
    }
    OPENDIR = open;
    READDIR = read;
    CLOSEDIR = close;
  }

  private DirectoryEntries() {}

  /** Whether listings take the {@code readdir} path on this JVM (for tests). */
  static boolean fast() {
    return OPENDIR != null;
  }

  /**
   * The entries of {@code dir} except {@code .} and {@code ..}, in no particular order.
   *
   * @throws IOException if {@code dir} cannot be listed: missing, not a directory, not readable
   */
  static List<Entry> list(Path dir) throws IOException {
    String name = dir.toString();
    if (OPENDIR != null && isAscii(name)) {
      List<Entry> entries = readdir(dir, name);
      if (entries != null) {
        return entries;
      }
    }
    List<Entry> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path entry : stream) {
        entries.add(new Entry(entry, false));
      }
    } catch (DirectoryIteratorException e) {
      throw e.getCause();
    }
    return entries;
  }

  /** The entries, or null if this directory needs the portable path. */
  private static List<Entry> readdir(Path dir, String path) {
    List<Entry> entries = new ArrayList<>();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment handle = (MemorySegment) OPENDIR.invokeExact(arena.allocateFrom(path));
      if (handle.equals(MemorySegment.NULL)) {
        return null;
      }
      try {
        MemorySegment entry;
        while (!(entry = (MemorySegment) READDIR.invokeExact(handle)).equals(MemorySegment.NULL)) {
          MemorySegment dirent = entry.reinterpret(DIRENT_SIZE);
          String name = asciiName(dirent);
          if (name == null) {
            return null;
          }
          if (!name.equals(".") && !name.equals("..")) {
            entries.add(new Entry(dir.resolve(name), dirent.get(JAVA_BYTE, TYPE_OFFSET) == DT_REG));
          }
        }
      } finally {
        int ignored = (int) CLOSEDIR.invokeExact(handle);
      }
    } catch (Error e) {
      throw e;
    } catch (Throwable e) {
      return null; // the portable path lists it, or says what is wrong
    }
    return entries;
  }

  /** The entry's name if it is ASCII, else null. */
  private static String asciiName(MemorySegment dirent) {
    StringBuilder name = new StringBuilder(32);
    for (long i = NAME_OFFSET; i < DIRENT_SIZE; i++) {
      byte b = dirent.get(JAVA_BYTE, i);
      if (b == 0) {
        return name.toString();
      }
      if (b < 0) {
        return null;
      }
      name.append((char) b);
    }
    return null;
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80 || s.charAt(i) == 0) {
        return false;
      }
    }
    return true;
  }
}
