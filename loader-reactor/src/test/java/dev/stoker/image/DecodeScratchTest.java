package dev.stoker.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.DecodeException;
import dev.stoker.api.DecodeRequest;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.ImageHeader;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The per-thread buffers of the native decoder's calls: copies, and no state carried between calls. */
class DecodeScratchTest {

  @Test
  void copyOf_heapInputsOfGrowingSize_returnEachInputsBytes() {
    DecodeScratch scratch = DecodeScratch.get();
    for (int size : new int[] {1, 100, 70_000, 300_000, 50}) {
      byte[] bytes = new byte[size];
      Arrays.fill(bytes, (byte) size);
      bytes[size - 1] = 7;
      MemorySegment copy = scratch.copyOf(MemorySegment.ofArray(bytes));
      assertThat(copy.isNative()).isTrue();
      assertThat(copy.byteSize()).isEqualTo(size);
      assertThat(copy.toArray(ValueLayout.JAVA_BYTE)).isEqualTo(bytes);
    }
  }

  @Test
  void copyOf_inputOverTheKeptLimit_returnsNull() {
    byte[] big = new byte[(int) DecodeScratch.MAX_KEPT_INPUT + 1];
    assertThat(DecodeScratch.get().copyOf(MemorySegment.ofArray(big))).isNull();
  }

  @Test
  void get_twoThreads_giveTwoScratches() throws Exception {
    AtomicReference<DecodeScratch> other = new AtomicReference<>();
    Thread t = Thread.ofPlatform().start(() -> other.set(DecodeScratch.get()));
    t.join();
    assertThat(other.get()).isNotNull().isNotSameAs(DecodeScratch.get());
    assertThat(DecodeScratch.get()).isSameAs(DecodeScratch.get());
  }

  @Test
  void decode_failureThenSuccessOnOneThread_carriesNoMessageOrWarningOver() {
    ImageDecoder decoder = NativeTestSupport.nativeOrSkip();
    byte[] good = TestImages.jpeg(TestImages.photo(120, 90, 3), 0.9f, true, false); // progressive: plain call
    byte[] truncated = Arrays.copyOf(good, good.length * 2 / 3);
    for (boolean direct : new boolean[] {false, true}) {
      ByteBuffer bad = direct ? TestImages.direct(truncated) : ByteBuffer.wrap(truncated);
      ImageHeader header = decoder.readHeader(bad, "bad.jpg");
      assertThatThrownBy(() -> decoder.decode(bad, DecodeRequest.full(header), ImageBuffer.allocate(0), "bad.jpg"))
          .isInstanceOf(DecodeException.class)
          .hasMessageContaining("bad.jpg");
      ByteBuffer ok = direct ? TestImages.direct(good) : ByteBuffer.wrap(good);
      ImageBuffer out = ImageBuffer.allocate(0);
      decoder.decode(ok, DecodeRequest.full(decoder.readHeader(ok, "good.jpg")), out, "good.jpg");
      assertThat(out.width()).isEqualTo(120);
      assertThatThrownBy(() -> decoder.readHeader(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), "text.jpg"))
          .isInstanceOf(DecodeException.class)
          .hasMessageContaining("not a JPEG or PNG")
          .hasMessageNotContaining("Corrupt")
          .hasMessageNotContaining("premature");
    }
  }
}
