package dev.stoker.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The native decoder's files inside the jar ({@code libstokerimage.so}, the libjpeg-turbo, libpng
 * and zlib it was linked against, their notices), and their copy in a cache directory, from which
 * the library is loaded: {@code dlopen} needs a file, and the library finds its neighbours through
 * its {@code DT_RPATH $ORIGIN}.
 *
 * <p>The jar's folder {@value #FOLDER}{@code <platform>/} holds a manifest, {@value #MANIFEST}, with
 * one {@code SHA-256  NAME} line per file (written by src/main/c/build.sh). The files are copied
 * once into {@code <cache root>/<first 16 hex digits of the manifest's SHA-256>/}, so that each
 * build has a folder of its own; every later start only hashes them again. A file that is missing
 * or does not match its checksum (a truncated copy, a file edited or replaced) is written again:
 * into a temporary file in the same folder, checked, then renamed over the old name in one atomic
 * step, so that several JVMs starting at once each see either no file or a whole, verified one.
 *
 * <p>The cache root is, in this order: the system property {@value #CACHE_PROPERTY}, the
 * environment variable {@value #CACHE_ENV}, {@code $XDG_CACHE_HOME/stoker/native},
 * {@code ~/.cache/stoker/native}.
 */
final class NativeBundle {
  /** The jar folder of the bundles, one subfolder per platform. */
  static final String FOLDER = "/dev/stoker/image/native/";
  static final String MANIFEST = "stoker-native.sha256";
  static final String LIBRARY = "libstokerimage.so";
  static final String CACHE_PROPERTY = "stoker.native.cache";
  static final String CACHE_ENV = "STOKER_NATIVE_CACHE";
  /** The only platform the build makes a bundle for. */
  static final String LINUX_X86_64 = "linux-x86_64";

  private static final int MAX_MANIFEST_BYTES = 64 * 1024;
  private static final int MAX_ENTRIES = 64;
  /** No file of the bundle comes near this; a larger resource is refused, not copied. */
  static final long MAX_FILE_BYTES = 64L * 1024 * 1024;
  private static final Pattern LINE = Pattern.compile("([0-9a-f]{64})  ([A-Za-z0-9][A-Za-z0-9._+-]{0,127})");

  /** Opens a file of the platform's bundle folder, or returns null where there is none. */
  @FunctionalInterface
  interface Resources {
    InputStream open(String name) throws IOException;
  }

  /** A file of the manifest and its SHA-256, in lower-case hex. */
  record Entry(String name, String sha256) {}

  /**
   * What {@link #extract} did.
   *
   * @param directory the folder holding the files
   * @param written the files it wrote (missing or not matching their checksum)
   * @param reused the files it found in place with the right checksum
   */
  record Extracted(Path directory, List<String> written, List<String> reused) {
    Path library() {
      return directory.resolve(LIBRARY);
    }
  }

  private NativeBundle() {}

  /**
   * The bundle folder's name for this operating system and architecture (as {@code os.name} and
   * {@code os.arch} spell them).
   *
   * @throws IllegalStateException naming the platform where the build makes no bundle for it
   */
  static String platform(String osName, String osArch) {
    String os = osName == null ? "" : osName.toLowerCase(Locale.ROOT);
    String arch = osArch == null ? "" : osArch.toLowerCase(Locale.ROOT);
    if (os.startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64"))) {
      return LINUX_X86_64;
    }
    throw new IllegalStateException("no native image decoder for " + os + "/" + arch + " (built for "
        + LINUX_X86_64 + " only)");
  }

  /** The jar's files for {@code platform}, read through the class loader of this class. */
  static Resources jarResources(String platform) {
    return name -> NativeBundle.class.getResourceAsStream(FOLDER + platform + "/" + name);
  }

  /**
   * The cache root, from the system property, the environment, or the user's cache folder.
   *
   * @param property the value of {@value #CACHE_PROPERTY}, or null
   * @param env the environment ({@value #CACHE_ENV}, {@code XDG_CACHE_HOME})
   * @param userHome the {@code user.home} property
   */
  static Path cacheRoot(String property, Map<String, String> env, String userHome) {
    if (property != null && !property.isBlank()) {
      return Path.of(property);
    }
    String fromEnv = env.get(CACHE_ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Path.of(fromEnv);
    }
    String xdg = env.get("XDG_CACHE_HOME");
    // the XDG base directory rules: a relative path is invalid and ignored
    Path base = xdg != null && Path.of(xdg).isAbsolute() ? Path.of(xdg) : Path.of(userHome, ".cache");
    return base.resolve("stoker").resolve("native");
  }

  /**
   * Copies the bundle into its folder under {@code root} where needed and checks every file.
   *
   * @throws IllegalStateException if the jar lacks the manifest or a file, or a file in the jar
   *     does not match the manifest (a damaged jar)
   * @throws IOException if the cache folder cannot be created or written
   */
  static Extracted extract(Resources resources, Path root) throws IOException {
    byte[] manifest;
    try (InputStream in = resources.open(MANIFEST)) {
      if (in == null) {
        throw new IllegalStateException("the jar has no native image decoder (" + MANIFEST + " missing): it was "
            + "built with -Dstoker.native.skip or without gcc and the libjpeg-turbo/libpng headers");
      }
      manifest = readBounded(in, MAX_MANIFEST_BYTES, MANIFEST);
    }
    List<Entry> entries = parse(manifest);
    Path directory = root.resolve(HexFormat.of().formatHex(sha256(manifest), 0, 8));
    createPrivateDirectories(directory);
    List<String> written = new ArrayList<>();
    List<String> reused = new ArrayList<>();
    for (Entry entry : entries) {
      Path target = directory.resolve(entry.name());
      if (matches(target, entry)) {
        reused.add(entry.name());
        continue;
      }
      write(resources, entry, directory, target);
      written.add(entry.name());
    }
    return new Extracted(directory, List.copyOf(written), List.copyOf(reused));
  }

  /** The manifest's entries; it must name the library. */
  static List<Entry> parse(byte[] manifest) {
    List<Entry> entries = new ArrayList<>();
    String text = new String(manifest, StandardCharsets.UTF_8);
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      var m = LINE.matcher(line.strip());
      if (!m.matches() || m.group(2).equals(MANIFEST)) {
        throw new IllegalStateException(MANIFEST + " in the jar is malformed (line " + (entries.size() + 1) + ")");
      }
      entries.add(new Entry(m.group(2), m.group(1)));
      if (entries.size() > MAX_ENTRIES) {
        throw new IllegalStateException(MANIFEST + " in the jar lists more than " + MAX_ENTRIES + " files");
      }
    }
    if (entries.stream().noneMatch(e -> e.name().equals(LIBRARY))) {
      throw new IllegalStateException(MANIFEST + " in the jar does not list " + LIBRARY);
    }
    return entries;
  }

  /** Whether {@code file} is a regular file (not a link) with the entry's checksum. */
  private static boolean matches(Path file, Entry entry) throws IOException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > MAX_FILE_BYTES) {
      return false;
    }
    MessageDigest digest = sha256();
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      copyBounded(in, OutputStream.nullOutputStream(), digest, entry.name());
    } catch (IOException | IllegalStateException e) {
      return false; // gone or grown meanwhile: written again
    }
    return HexFormat.of().formatHex(digest.digest()).equals(entry.sha256());
  }

  private static void write(Resources resources, Entry entry, Path directory, Path target) throws IOException {
    Path temp = Files.createTempFile(directory, "." + entry.name() + ".", ".tmp");
    try {
      MessageDigest digest = sha256();
      try (InputStream in = resources.open(entry.name())) {
        if (in == null) {
          throw new IllegalStateException("the jar's native image decoder lacks " + entry.name());
        }
        try (OutputStream out = Files.newOutputStream(temp)) {
          copyBounded(in, out, digest, entry.name());
        }
      }
      String actual = HexFormat.of().formatHex(digest.digest());
      if (!actual.equals(entry.sha256())) {
        throw new IllegalStateException("the jar's " + entry.name() + " does not match its SHA-256 in " + MANIFEST
            + " (a damaged jar)");
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void createPrivateDirectories(Path directory) throws IOException {
    if (Files.isDirectory(directory)) {
      return;
    }
    Path parent = directory.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try {
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.createDirectory(directory,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectory(directory);
      }
    } catch (java.nio.file.FileAlreadyExistsException e) {
      if (!Files.isDirectory(directory)) {
        throw e; // a file by that name: not ours to remove
      }
      // another JVM made it first
    }
  }

  private static byte[] readBounded(InputStream in, int max, String name) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    copyBounded(in, out, null, name, max);
    return out.toByteArray();
  }

  private static void copyBounded(InputStream in, OutputStream out, MessageDigest digest, String name)
      throws IOException {
    copyBounded(in, out, digest, name, MAX_FILE_BYTES);
  }

  private static void copyBounded(InputStream in, OutputStream out, MessageDigest digest, String name, long max)
      throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    for (int n; (n = in.read(buffer)) > 0; ) {
      total += n;
      if (total > max) {
        throw new IllegalStateException("the jar's " + name + " is larger than " + max + " bytes");
      }
      if (digest != null) {
        digest.update(buffer, 0, n);
      }
      out.write(buffer, 0, n);
    }
  }

  private static byte[] sha256(byte[] bytes) {
    return sha256().digest(bytes);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e); // every JDK has it
    }
  }
}
