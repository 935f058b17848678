package dev.stoker.testkit;

import dev.stoker.api.Batch;
import dev.stoker.api.RunSummary;
import dev.stoker.pipeline.Loader;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Fingerprints of delivered batches, for tests that compare two runs batch by batch (local and
 * remote, resumed and uninterrupted, one thread and three). Shared with other modules through
 * loader-reactor's test jar.
 *
 * <pre>{@code
 * BatchDigests.Run local = BatchDigests.run(localLoader, 0, 2);
 * BatchDigests.Run remote = BatchDigests.run(remoteLoader, 0, 2);
 * assertThat(remote.digests()).isEqualTo(local.digests());
 * // or inside a consumer of your own:
 * loader.run(2, batch -> digests.add(BatchDigests.of(batch)));
 * }</pre>
 */
public final class BatchDigests {
  private BatchDigests() {}

  /** What a run delivered: one digest per batch, in order, and its summary. */
  public record Run(List<String> digests, RunSummary summary) {}

  /**
   * SHA-256, as hex, over a batch's epoch, index in the epoch and size, each sample's index and
   * label, the pixels of its samples and, when the layout has them, their soft targets (so a batch
   * without soft targets digests as it always did).
   */
  public static String of(Batch batch) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update((batch.epoch() + "/" + batch.indexInEpoch() + "/" + batch.size()).getBytes(StandardCharsets.UTF_8));
      for (int p = 0; p < batch.size(); p++) {
        sha.update((batch.sampleIndex(p) + ":" + batch.label(p) + ";").getBytes(StandardCharsets.UTF_8));
      }
      sha.update(batch.pixels().asSlice(0, batch.size() * batch.layout().sampleBytes()).toArray(ValueLayout.JAVA_BYTE));
      if (batch.layout().hasSoftTargets()) {
        sha.update(batch.softTargets().toArray(ValueLayout.JAVA_BYTE));
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** Runs epochs {@code first..first+epochs-1} and digests every batch. */
  public static Run run(Loader loader, int first, int epochs) {
    List<String> digests = new ArrayList<>();
    RunSummary summary = loader.run(first, epochs, batch -> digests.add(of(batch)));
    return new Run(digests, summary);
  }
}
