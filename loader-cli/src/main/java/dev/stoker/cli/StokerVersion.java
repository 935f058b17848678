package dev.stoker.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * What {@code stoker --version} prints: the project version the build wrote into
 * {@code version.properties} (a resource Maven filters), and the Java runtime that runs it.
 *
 * <pre>
 * $ stoker --version
 * stoker 0.1.0-SNAPSHOT
 * Java 25.0.1 (Eclipse Adoptium OpenJDK 64-Bit Server VM)
 * </pre>
 */
final class StokerVersion implements IVersionProvider {
  static final String RESOURCE = "version.properties";

  /** The project version, or {@code "unknown"} when the resource is missing or was not filtered. */
  static String version() {
    try (InputStream in = StokerVersion.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      String version = properties.getProperty("version", "").strip();
      return version.isEmpty() || version.contains("${") ? "unknown" : version;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String[] getVersion() {
    return new String[] {
        "stoker " + version(),
        "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + " "
            + System.getProperty("java.vm.name") + ")"};
  }
}
