package dev.stoker.cuda;

import static jcuda.driver.JCudaDriver.cuCtxGetDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.cuda.internal.Cuda;
import dev.stoker.cuda.internal.PrimaryContext;
import dev.stoker.cuda.standin.CudaStandin;
import dev.stoker.cuda.standin.StandinCheck;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jcuda.driver.CUdevice;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two feeds on the stand-in's two devices in one process, each on its own device, running at once. */
@Tag("standin")
@ExtendWith(StandinCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TwoDevicesStandinTest {
  /** The device whose primary context is current on the feed's thread. */
  private static CUdevice currentDevice(DeviceFeed feed) {
    return feed.call(() -> {
      CUdevice device = new CUdevice();
      Cuda.check(() -> cuCtxGetDevice(device), "cuCtxGetDevice");
      return device;
    });
  }

  @Test
  void open_byOrdinal_eachFeedsThreadHoldsItsOwnDevicesContext() {
    try (DeviceFeed first = DeviceFeed.open(StandinRoundTrip.transform(PixelType.FLOAT32), 0);
        DeviceFeed second = DeviceFeed.open(StandinRoundTrip.transform(PixelType.FLOAT32), 1)) {
      assertThat(first.device()).isZero();
      assertThat(second.device()).isEqualTo(1);
      assertThat(second.cuda().ordinal()).isEqualTo(1);
      assertThat(currentDevice(first)).isEqualTo(PrimaryContext.device(0));
      assertThat(currentDevice(second)).isEqualTo(PrimaryContext.device(1)).isNotEqualTo(PrimaryContext.device(0));
    }
  }

  @Test
  void roundTrip_twoFeedsOnTwoDevicesAtOnce_bothExactAndIndependent() throws Exception {
    long before = CudaStandin.liveAllocations();
    try (DeviceFeed first = DeviceFeed.open(StandinRoundTrip.transform(PixelType.FLOAT32), 0);
        DeviceFeed second = DeviceFeed.open(StandinRoundTrip.transform(PixelType.FLOAT16), 1)) {
      CompletableFuture<StandinRoundTrip.Outcome> a = runAsync(first, 50);
      CompletableFuture<StandinRoundTrip.Outcome> b = runAsync(second, 38);

      StandinRoundTrip.Outcome onFirst = a.get(40, TimeUnit.SECONDS);
      StandinRoundTrip.Outcome onSecond = b.get(40, TimeUnit.SECONDS);

      assertThat(onFirst.batches()).isEqualTo(13);
      assertThat(onSecond.batches()).isEqualTo(10);
      assertThat(onSecond.sizes()).endsWith(4, 2);
      assertThat(onFirst.bad()).as("wrong values on device 0").isZero();
      assertThat(onSecond.bad()).as("wrong values on device 1").isZero();
    }
    assertThat(CudaStandin.liveAllocations()).isEqualTo(before);
  }

  @Test
  void deviceOfLocalRank_namesTheDeviceOrFailsNamingLocalRank() {
    assertThat(DeviceFeed.deviceOfLocalRank(null).ordinal()).isZero();
    assertThat(DeviceFeed.deviceOfLocalRank("1").ordinal()).isEqualTo(1);
    assertThat(DeviceFeed.deviceOfLocalRank("1").usable()).isTrue();
    assertThatThrownBy(() -> DeviceFeed.deviceOfLocalRank("2")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("LOCAL_RANK=2").hasMessageContaining("the driver sees 2 devices");
    assertThatThrownBy(() -> DeviceFeed.deviceOfLocalRank("one")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("LOCAL_RANK");
  }

  /** A round trip on a thread of its own (not the common pool, which has one worker on a 2-core machine). */
  private static CompletableFuture<StandinRoundTrip.Outcome> runAsync(DeviceFeed feed, int samples) {
    CompletableFuture<StandinRoundTrip.Outcome> outcome = new CompletableFuture<>();
    Thread.ofPlatform().daemon().start(() -> {
      try {
        outcome.complete(StandinRoundTrip.run(feed, samples, 4));
      } catch (Throwable e) {
        outcome.completeExceptionally(e);
      }
    });
    return outcome;
  }
}
