package dev.stoker.remote.protocol;

import dev.stoker.api.internal.Checks;
import dev.stoker.api.LoaderException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared-token handshake of {@link Protocol}: each side proves it knows the token by an
 * HMAC-SHA256 over both nonces, so the token itself never goes on the wire and a recorded proof
 * is worthless on another connection (fresh nonces) or in the other direction (the label).
 *
 * <p>The proofs are not bound to the channel, so they protect only where the channel does: over
 * TLS or loopback (both ends refuse a token elsewhere; see {@link Protocol}). A recorded exchange
 * still lets anyone try guesses offline, so a token has at least {@value #MIN_TOKEN_BYTES} bytes:
 * 32 random bytes in base64 ({@code head -c 32 /dev/urandom | base64}, 44 characters, 256 bits)
 * or at least 32 hex digits (128 bits). {@link #load} refuses a shorter one and warns when the
 * file can be read by its group or by others.
 *
 * <pre>
 *   clientProof = HMAC-SHA256(token, "client" || nodeNonce   || clientNonce)   sent in AUTH
 *   nodeProof   = HMAC-SHA256(token, "node"   || clientNonce || nodeNonce)     sent in READY
 * </pre>
 *
 * <p>Nonces are exactly {@link Protocol#NONCE_BYTES} long, which keeps the concatenation
 * unambiguous. Compare proofs only with {@link #verify}, which takes constant time.
 *
 * <pre>{@code
 * byte[] token = TokenAuth.load(Path.of("token"));
 * byte[] proof = TokenAuth.clientProof(token, welcome.nodeNonce(), clientNonce);   // client, in AUTH
 * boolean ok = TokenAuth.verify(TokenAuth.clientProof(token, nodeNonce, hello.clientNonce()), proof); // node
 * }</pre>
 */
public final class TokenAuth {
  /** Token files larger than this are refused: a token is a line, not a document. */
  static final int MAX_TOKEN_FILE_BYTES = 4096;
  /** The shortest token accepted, in bytes (without the trailing newline). */
  public static final int MIN_TOKEN_BYTES = 32;
  /** How to make a good token, for messages. */
  public static final String HOW_TO_MAKE_ONE = "head -c 32 /dev/urandom | base64";

  private static final Logger log = LoggerFactory.getLogger(TokenAuth.class);

  private static final String HMAC = "HmacSHA256";
  private static final byte[] CLIENT_LABEL = "client".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NODE_LABEL = "node".getBytes(StandardCharsets.US_ASCII);
  private static final SecureRandom RANDOM = new SecureRandom();

  private TokenAuth() {}

  /**
   * Reads the token from {@code file}: its bytes, without trailing CR/LF. Logs a warning naming the
   * file if its POSIX permissions let its group or others read it.
   *
   * @throws LoaderException naming the file if it is missing, unreadable, too large, empty or
   *     shorter than {@value #MIN_TOKEN_BYTES} bytes (saying how to make a good one)
   */
  public static byte[] load(Path file) {
    Checks.notNull(file, "file");
    byte[] bytes;
    try {
      long size = Files.size(file);
      if (size > MAX_TOKEN_FILE_BYTES) {
        throw new LoaderException("Token file " + file + " has " + size + " bytes, more than "
            + MAX_TOKEN_FILE_BYTES + ": is it the right file?");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new LoaderException("Token file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new LoaderException("Token file " + file + " cannot be read: " + e, e);
    }
    int end = bytes.length;
    while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
      end--;
    }
    if (end == 0) {
      throw new LoaderException("Token file " + file + " is empty");
    }
    if (end < MIN_TOKEN_BYTES) {
      throw new LoaderException("Token file " + file + " holds " + end + " bytes; a token needs at least "
          + MIN_TOKEN_BYTES + " (a recorded handshake lets anyone guess a short one offline). Make one with: "
          + HOW_TO_MAKE_ONE + " > " + file);
    }
    warnIfOthersCanRead(file);
    return Arrays.copyOf(bytes, end);
  }

  private static void warnIfOthersCanRead(Path file) {
    Set<PosixFilePermission> permissions;
    try {
      permissions = Files.getPosixFilePermissions(file);
    } catch (UnsupportedOperationException | IOException e) {
      return; // not a POSIX file system: nothing to say
    }
    if (permissions.contains(PosixFilePermission.GROUP_READ) || permissions.contains(PosixFilePermission.OTHERS_READ)) {
      log.warn("Token file {} can be read by {} (mode {}): chmod 600 {}", file,
          permissions.contains(PosixFilePermission.OTHERS_READ) ? "other users" : "its group",
          PosixFilePermissions.toString(permissions), file);
    }
  }

  /** The proof the client sends in AUTH. */
  public static byte[] clientProof(byte[] token, byte[] nodeNonce, byte[] clientNonce) {
    return hmac(token, CLIENT_LABEL, checkNonce(nodeNonce, "nodeNonce"), checkNonce(clientNonce, "clientNonce"));
  }

  /** The proof the node sends in READY. */
  public static byte[] nodeProof(byte[] token, byte[] clientNonce, byte[] nodeNonce) {
    return hmac(token, NODE_LABEL, checkNonce(clientNonce, "clientNonce"), checkNonce(nodeNonce, "nodeNonce"));
  }

  /** Whether {@code actual} equals {@code expected}, in time that does not depend on where they differ. */
  public static boolean verify(byte[] expected, byte[] actual) {
    return MessageDigest.isEqual(Checks.notNull(expected, "expected"), Checks.notNull(actual, "actual"));
  }

  /** A fresh random nonce of {@link Protocol#NONCE_BYTES} bytes. */
  public static byte[] nonce() {
    byte[] nonce = new byte[Protocol.NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    return nonce;
  }

  private static byte[] hmac(byte[] token, byte[] label, byte[] first, byte[] second) {
    Checks.argument(Checks.notNull(token, "token").length > 0, "token", "must not be empty");
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(token, HMAC));
      mac.update(label);
      mac.update(first);
      mac.update(second);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(HMAC + " is not available in this JDK", e);
    }
  }

  private static byte[] checkNonce(byte[] nonce, String name) {
    Checks.argument(Checks.notNull(nonce, name).length == Protocol.NONCE_BYTES, name,
        "must have " + Protocol.NONCE_BYTES + " bytes, got " + nonce.length);
    return nonce;
  }
}
