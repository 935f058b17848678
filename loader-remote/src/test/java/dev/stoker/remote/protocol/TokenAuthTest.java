package dev.stoker.remote.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.LoaderException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenAuthTest {
  private static final String TOKEN_TEXT = "q3x8Vb0m1Yp6c0ZrL2hTQm9uZ3VlLWxvbmctdG9rZW4=";
  private static final byte[] TOKEN = TOKEN_TEXT.getBytes(StandardCharsets.UTF_8);

  @TempDir
  Path dir;

  @Test
  void proofs_honestPeers_verify() {
    byte[] clientNonce = TokenAuth.nonce();
    byte[] nodeNonce = TokenAuth.nonce();
    byte[] sent = TokenAuth.clientProof(TOKEN, nodeNonce, clientNonce);
    assertThat(sent).hasSize(Protocol.PROOF_BYTES);
    assertThat(TokenAuth.verify(TokenAuth.clientProof(TOKEN.clone(), nodeNonce, clientNonce), sent)).isTrue();
    assertThat(TokenAuth.verify(TokenAuth.nodeProof(TOKEN, clientNonce, nodeNonce),
        TokenAuth.nodeProof(TOKEN.clone(), clientNonce, nodeNonce))).isTrue();
  }

  @Test
  void proofs_differPerNoncePerSideAndPerToken() {
    byte[] a = TokenAuth.nonce();
    byte[] b = TokenAuth.nonce();
    byte[] c = TokenAuth.nonce();
    byte[] client = TokenAuth.clientProof(TOKEN, a, b);
    assertThat(client).isNotEqualTo(TokenAuth.clientProof(TOKEN, a, c)).isNotEqualTo(TokenAuth.clientProof(TOKEN, c, b));
    assertThat(client).as("the node's proof over the same nonces").isNotEqualTo(TokenAuth.nodeProof(TOKEN, a, b))
        .isNotEqualTo(TokenAuth.nodeProof(TOKEN, b, a));
    assertThat(client).isNotEqualTo(TokenAuth.clientProof("other".getBytes(StandardCharsets.UTF_8), a, b));
  }

  @Test
  void verify_wrongTokenOrTamperedProof_fails() {
    byte[] nodeNonce = TokenAuth.nonce();
    byte[] clientNonce = TokenAuth.nonce();
    byte[] expected = TokenAuth.clientProof(TOKEN, nodeNonce, clientNonce);
    byte[] wrongToken = TokenAuth.clientProof("s3cret-tokem".getBytes(StandardCharsets.UTF_8), nodeNonce, clientNonce);
    assertThat(TokenAuth.verify(expected, wrongToken)).isFalse();
    byte[] tampered = expected.clone();
    tampered[31] ^= 1;
    assertThat(TokenAuth.verify(expected, tampered)).isFalse();
    assertThat(TokenAuth.verify(expected, new byte[0])).as("an empty proof").isFalse();
  }

  @Test
  void proofs_matchHmacSha256OverLabelAndNonces() throws Exception {
    byte[] nodeNonce = new byte[16];
    byte[] clientNonce = new byte[16];
    clientNonce[0] = 1;
    var mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(TOKEN, "HmacSHA256"));
    mac.update("client".getBytes(StandardCharsets.US_ASCII));
    mac.update(nodeNonce);
    byte[] expected = mac.doFinal(clientNonce);
    assertThat(TokenAuth.clientProof(TOKEN, nodeNonce, clientNonce)).isEqualTo(expected);
  }

  @Test
  void nonce_isSixteenFreshBytes() {
    assertThat(TokenAuth.nonce()).hasSize(Protocol.NONCE_BYTES).isNotEqualTo(TokenAuth.nonce());
  }

  @Test
  void proofs_badArguments_nameTheParameter() {
    assertThatThrownBy(() -> TokenAuth.clientProof(TOKEN, new byte[8], TokenAuth.nonce()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nodeNonce");
    assertThatThrownBy(() -> TokenAuth.nodeProof(new byte[0], TokenAuth.nonce(), TokenAuth.nonce()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token");
  }

  @Test
  void load_trailingNewline_isTrimmed() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), TOKEN_TEXT + "\r\n");
    assertThat(TokenAuth.load(file)).isEqualTo(TOKEN);
    Files.writeString(file, TOKEN_TEXT + "\n");
    assertThat(TokenAuth.load(file)).isEqualTo(TOKEN);
  }

  @Test
  void load_missingFile_namesTheFile() {
    Path file = dir.resolve("no-such-token");
    assertThatThrownBy(() -> TokenAuth.load(file)).isInstanceOf(LoaderException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("does not exist");
  }

  @Test
  void load_emptyFile_namesTheFile() throws Exception {
    Path file = Files.writeString(dir.resolve("empty-token"), "\n");
    assertThatThrownBy(() -> TokenAuth.load(file)).isInstanceOf(LoaderException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("is empty");
  }

  @Test
  void load_unreadableFile_namesTheFile() throws Exception {
    Path directory = Files.createDirectory(dir.resolve("a-directory"));
    assertThatThrownBy(() -> TokenAuth.load(directory)).isInstanceOf(LoaderException.class)
        .hasMessageContaining(directory.toString()).hasMessageContaining("cannot be read");
  }

  @Test
  void load_tokenShorterThan32Bytes_refusedSayingHowToMakeOne() throws Exception {
    Path file = Files.writeString(dir.resolve("short"), "a".repeat(TokenAuth.MIN_TOKEN_BYTES - 1) + "\n");
    assertThatThrownBy(() -> TokenAuth.load(file)).isInstanceOf(LoaderException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("holds 31 bytes")
        .hasMessageContaining("at least 32").hasMessageContaining("head -c 32 /dev/urandom | base64");
    Files.writeString(file, "a".repeat(TokenAuth.MIN_TOKEN_BYTES) + "\n");
    assertThat(TokenAuth.load(file)).hasSize(32);
  }

  @Test
  void load_fileReadableByOthers_warnsNamingTheFile() throws Exception {
    Path file = Files.writeString(dir.resolve("open-token"), TOKEN_TEXT);
    Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(logOf(() -> TokenAuth.load(file))).contains("Token file " + file + " can be read by other users")
        .contains("chmod 600");
  }

  @Test
  void load_fileOnlyTheOwnerReads_noWarning_negativeControl() throws Exception {
    Path file = Files.writeString(dir.resolve("closed-token"), TOKEN_TEXT);
    Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    assertThat(logOf(() -> TokenAuth.load(file))).doesNotContain("Token file");
  }

  /** What slf4j-simple wrote to System.err while {@code action} ran. */
  private static String logOf(Runnable action) {
    java.io.PrintStream saved = System.err;
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(saved);
    }
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void load_hugeFile_isRefusedUnread() throws Exception {
    Path file = Files.write(dir.resolve("big"), new byte[TokenAuth.MAX_TOKEN_FILE_BYTES + 1]);
    assertThatThrownBy(() -> TokenAuth.load(file)).isInstanceOf(LoaderException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("more than 4096");
  }
}
