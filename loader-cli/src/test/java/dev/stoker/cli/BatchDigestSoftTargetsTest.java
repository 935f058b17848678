package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.BatchLayout;
import dev.stoker.api.BatchRing;
import dev.stoker.api.BatchSlot;
import dev.stoker.ring.BatchRings;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** The bench digest hashes soft targets only when the layout has them; without, it is the documented formula. */
class BatchDigestSoftTargetsTest {
  private static String digest(BatchLayout layout, float softValue) {
    try (BatchRing ring = BatchRings.direct().create(layout, 2)) {
      BatchSlot slot = ring.tryClaim();
      for (int p = 0; p < 2; p++) {
        slot.sampleMemory(p).fill((byte) (p + 1));
        slot.setSample(p, p, p);
        if (layout.hasSoftTargets()) {
          slot.softTargetMemory(p).setAtIndex(ValueLayout.JAVA_FLOAT, p, softValue);
        }
      }
      slot.setHeader(0, 0, 2);
      BatchDigest digest = new BatchDigest();
      digest.accept(slot);
      return digest.hex();
    }
  }

  /** SHA-256 over (CRC-32C of the pixels, label) per sample, little-endian int32: the digest without extras. */
  private static String formula(BatchLayout layout) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    ByteBuffer ints = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    for (int p = 0; p < 2; p++) {
      CRC32C crc = new CRC32C();
      byte[] pixels = new byte[(int) layout.sampleBytes()];
      java.util.Arrays.fill(pixels, (byte) (p + 1));
      crc.update(pixels);
      ints.putInt((int) crc.getValue()).putInt(p);
    }
    sha.update(ints.flip());
    return HexFormat.of().formatHex(sha.digest());
  }

  @Test
  void digest_withoutSoftTargets_isTheDocumentedFormula() throws Exception {
    BatchLayout plain = new BatchLayout(2, 2, 3, 3);
    assertThat(digest(plain, 0)).isEqualTo(formula(plain));
  }

  @Test
  void digest_withSoftTargets_coversThemAndDiffersFromTheFormula() throws Exception {
    BatchLayout soft = new BatchLayout(2, 2, 3, 3).withSoftTargets(4);
    assertThat(digest(soft, 1f)).isNotEqualTo(formula(soft)).isNotEqualTo(digest(soft, 0.5f))
        .isEqualTo(digest(soft, 1f));
  }
}
