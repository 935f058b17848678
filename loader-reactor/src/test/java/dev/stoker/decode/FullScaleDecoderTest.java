package dev.stoker.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.DecodeRequest;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.ImageHeader;
import dev.stoker.api.Region;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ImageDecoders.fullScale: every request at its region's full size, everything else forwarded. */
class FullScaleDecoderTest {
  /** Records the requests it is given. */
  private static final class Recording implements ImageDecoder {
    final List<DecodeRequest> requests = new ArrayList<>();

    @Override
    public String name() {
      return "recording";
    }

    @Override
    public ImageHeader readHeader(ByteBuffer encoded, String source) {
      throw new UnsupportedOperationException("not used");
    }

    @Override
    public void decode(ByteBuffer encoded, DecodeRequest request, ImageBuffer destination, String source) {
      requests.add(request);
    }

    @Override
    public long warnings() {
      return 7;
    }
  }

  @Test
  void decode_scalableRequest_asksForTheRegionAtFullSize() {
    Recording inner = new Recording();
    DecodeRequest request = new DecodeRequest(new Region(10, 20, 300, 200), 50, 40, true);

    ImageDecoders.fullScale(inner).decode(ByteBuffer.allocate(1), request, ImageBuffer.allocate(0), "a.jpg");
    inner.decode(ByteBuffer.allocate(1), request, ImageBuffer.allocate(0), "a.jpg"); // control: unwrapped

    assertThat(inner.requests).containsExactly(new DecodeRequest(new Region(10, 20, 300, 200), 300, 200, true),
        request);
  }

  @Test
  void fullScale_forwardsNameAndWarnings() {
    ImageDecoder decoder = ImageDecoders.fullScale(new Recording());

    assertThat(decoder.name()).isEqualTo("recording, full scale");
    assertThat(decoder.warnings()).isEqualTo(7);
  }

  @Test
  void fullScale_null_failsNamingTheParameter() {
    assertThatThrownBy(() -> ImageDecoders.fullScale(null)).hasMessageContaining("decoder");
  }
}
