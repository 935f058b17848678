package dev.stoker.remote.node;

import dev.stoker.api.LoaderException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Files;
import java.nio.file.Path;

/** TLS contexts from PEM files, with errors that name the file. */
final class Tls {
  private Tls() {}

  /**
   * A server context from a PEM certificate chain and its PEM (PKCS#8) private key.
   *
   * @throws LoaderException naming the files if one is missing or they cannot be used
   */
  static SslContext server(Path cert, Path key) {
    requireFile(cert, "TLS certificate");
    requireFile(key, "TLS private key");
    try {
      return SslContextBuilder.forServer(cert.toFile(), key.toFile()).build();
    } catch (Exception e) {
      throw new LoaderException("Cannot use TLS certificate " + cert + " with key " + key
          + " (PEM certificate chain and unencrypted PKCS#8 PEM key expected): " + e.getMessage(), e);
    }
  }

  private static void requireFile(Path file, String what) {
    if (!Files.isRegularFile(file)) {
      throw new LoaderException(what + " file " + file + " does not exist or is not a file");
    }
    if (!Files.isReadable(file)) {
      throw new LoaderException(what + " file " + file + " cannot be read");
    }
  }
}
