package dev.stoker.cli;

import dev.stoker.api.Batch;
import dev.stoker.api.BatchConsumer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A consumer that hashes every batch it receives, in order: SHA-256 over each batch's pixel bytes,
 * then its labels as little-endian 32-bit integers. Same seed and data, same digest, whatever the
 * thread count.
 */
final class BatchDigest implements BatchConsumer {
  private final MessageDigest sha;
  private ByteBuffer labels = ByteBuffer.allocate(0);

  BatchDigest() {
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  @Override
  public void accept(Batch batch) {
    sha.update(batch.pixels().asByteBuffer());
    if (labels.capacity() < batch.size() * 4) {
      labels = ByteBuffer.allocate(batch.layout().batchSize() * 4).order(ByteOrder.LITTLE_ENDIAN);
    }
    labels.clear();
    for (int i = 0; i < batch.size(); i++) {
      labels.putInt(batch.label(i));
    }
    labels.flip();
    sha.update(labels);
  }

  /** The hex digest of everything received so far. */
  String hex() {
    try {
      return HexFormat.of().formatHex(((MessageDigest) sha.clone()).digest());
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException(e);
    }
  }
}
