package dev.stoker.it;

import dev.stoker.api.Batch;
import java.lang.foreign.ValueLayout;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Fingerprints of delivered batches, for tests that compare two runs batch by batch. */
final class BatchDigests {
  private BatchDigests() {}

  /** SHA-256 over a batch's header, indices, labels and pixels, as hex. */
  static String of(Batch batch) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update((batch.epoch() + "/" + batch.indexInEpoch() + "/" + batch.size()).getBytes());
      for (int p = 0; p < batch.size(); p++) {
        sha.update((batch.sampleIndex(p) + ":" + batch.label(p) + ";").getBytes());
      }
      sha.update(batch.pixels().asSlice(0, batch.size() * batch.layout().sampleBytes()).toArray(ValueLayout.JAVA_BYTE));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
