package dev.stoker.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The CLI's runtime dependencies as a module path: the Stoker library modules (jars, or their
 * {@code target/classes} before {@code package}) and every third-party jar, as listed by the
 * dependency plugin in {@code target/runtime-module-path.txt} (loader-cli/pom.xml).
 *
 * <pre>{@code
 * List<Path> path = RuntimeModulePath.entries();
 * List<ModuleDescriptor> stoker = RuntimeModulePath.stokerModules();
 * }</pre>
 */
final class RuntimeModulePath {
  static final Path FILE = Path.of("target", "runtime-module-path.txt");

  private RuntimeModulePath() {}

  /** The entries, in the order the dependency plugin wrote them. */
  static List<Path> entries() {
    try {
      String text = Files.readString(FILE).strip();
      return Arrays.stream(text.split(java.io.File.pathSeparator)).filter(s -> !s.isEmpty()).map(Path::of).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(FILE.toAbsolutePath() + ": cannot read (written by the dependency plugin in "
          + "generate-test-resources; run the build through Maven)", e);
    }
  }

  /** The descriptors of the Stoker modules ({@code dev.stoker.*}) on the path, by name. */
  static List<ModuleDescriptor> stokerModules() {
    return ModuleFinder.of(entries().toArray(Path[]::new)).findAll().stream()
        .map(ModuleReference::descriptor)
        .filter(d -> d.name().startsWith("dev.stoker."))
        .sorted(Comparator.comparing(ModuleDescriptor::name))
        .toList();
  }

  /** The entry whose file name starts with {@code prefix}. */
  static Path entry(String prefix) {
    return entries().stream().filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst()
        .orElseThrow(() -> new IllegalStateException("no " + prefix + "* in " + FILE));
  }
}
