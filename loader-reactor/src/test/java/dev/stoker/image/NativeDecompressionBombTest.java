package dev.stoker.image;

import static dev.stoker.image.NativeTestSupport.SOURCE;
import static dev.stoker.image.NativeTestSupport.decode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.DecodeException;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.Region;
import dev.stoker.decode.ImageDecoders;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Decompression bombs against the native decoder: a small progressive JPEG with thousands of
 * scans, and a small progressive JPEG whose header claims 8000x8000 pixels. Each fails as a
 * {@link DecodeException} naming the file and the limit, well within a time bound (generous: a
 * hang guard, not a speed target) and, where the kernel lets a process reset its peak RSS, without
 * the memory the header asked for. A long multi-pass decode no longer holds off the JVM's
 * safepoints: a {@code System.gc()} on another thread finishes while the decode still runs (the
 * negative control, the old choice of a critical call by file size, shows the GC waiting for it).
 */
class NativeDecompressionBombTest {
  /** A hang guard: before the limits these decodes took seconds (scans) or allocated 384 MB. */
  private static final Duration BOUND = Duration.ofSeconds(3);
  /** How long a decode must go on after a GC that did not wait for it (it goes on for most of a second). */
  private static final Duration MARGIN = Duration.ofMillis(300);

  private static byte[] progressive;
  private static byte[] scanBomb;
  private static byte[] longBomb;

  private ImageDecoder lenient;
  private ImageDecoder strict;

  @BeforeAll
  static void makeFiles() {
    BufferedImage flat = new BufferedImage(2048, 2048, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = flat.createGraphics();
    g.setColor(new Color(90, 140, 200));
    g.fillRect(0, 0, 2048, 2048);
    g.dispose();
    progressive = TestImages.jpeg(flat, 0.75f, true, false);
    scanBomb = JpegBombs.repeatSmallestScan(progressive, 3000);
    longBomb = JpegBombs.repeatSmallestScan(progressive, 8000);
  }

  @BeforeEach
  void setUp() {
    strict = NativeTestSupport.nativeOrSkip();
    lenient = ImageDecoders.nativeDecoder(ImageDecoders.DEFAULT_MAX_PIXELS, true);
  }

  private static Region center() {
    return new Region(400, 400, 224, 224);
  }

  @Test
  void decode_progressiveJpegWithThousandsOfScans_failsNamingTheScanLimitQuickly() {
    assertThat(scanBomb.length).isLessThan(NativeImageDecoder.CRITICAL_MAX_BYTES);
    assertThat(JpegBombs.scanCount(scanBomb)).isGreaterThan(3000);
    for (ImageDecoder decoder : new ImageDecoder[] {lenient, strict}) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> decode(decoder, scanBomb, center()))
          .isInstanceOf(DecodeException.class)
          .hasMessageContaining(SOURCE)
          .hasMessageContaining("limit of " + NativeImageDecoder.DEFAULT_MAX_SCANS + " scans");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
    }
  }

  @Test
  void decode_progressiveJpegAtTheScanLimit_decodes() {
    int scans = JpegBombs.scanCount(progressive);
    byte[] atLimit = JpegBombs.repeatSmallestScan(progressive, NativeImageDecoder.DEFAULT_MAX_SCANS - scans);
    assertThat(JpegBombs.scanCount(atLimit)).isEqualTo(NativeImageDecoder.DEFAULT_MAX_SCANS);
    ImageBuffer out = decode(lenient, atLimit, center());
    assertThat(out.width()).isEqualTo(224);
  }

  @Test
  void decode_progressiveJpegClaiming8000x8000_failsNamingTheMemoryLimitWithoutAllocating() throws IOException {
    byte[] small = TestImages.jpeg(TestImages.photo(64, 64, 4), 0.9f, true, true);
    byte[] huge = JpegBombs.withFrameSize(small, 8000, 8000); // 4:4:4: 384 MB of coefficients
    assertThat(huge.length).isLessThan(64 << 10);
    for (ImageDecoder decoder : new ImageDecoder[] {lenient, strict}) {
      PeakRss peak = PeakRss.reset();
      long start = System.nanoTime();
      assertThatThrownBy(() -> decode(decoder, huge, center()))
          .isInstanceOf(DecodeException.class)
          .hasMessageContaining(SOURCE)
          .hasMessageContaining("decoder memory limit of " + NativeImageDecoder.DEFAULT_MAX_DECODER_MEMORY + " bytes");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
      peak.assertGrewLessThan(NativeImageDecoder.DEFAULT_MAX_DECODER_MEMORY);
    }
  }

  @Test
  void decode_progressiveJpegUnderTheMemoryLimit_decodes() {
    byte[] small = TestImages.jpeg(TestImages.photo(64, 64, 4), 0.9f, true, true);
    byte[] big = JpegBombs.withFrameSize(small, 2000, 2000); // 24 MB of coefficients
    ImageBuffer out = decode(lenient, big, center());
    assertThat(out.height()).isEqualTo(224);
  }

  @Test
  void decode_longProgressiveDecode_letsGcRunMeanwhile() throws Exception {
    assertThat(longBomb.length).isLessThan(NativeImageDecoder.CRITICAL_MAX_BYTES);
    ImageDecoder byHeader = new NativeImageDecoder(NativeImageLibrary.get(), ImageDecoders.DEFAULT_MAX_PIXELS, true,
        NativeImageDecoder.CRITICAL_MAX_BYTES, true, Integer.MAX_VALUE, NativeImageDecoder.DEFAULT_MAX_DECODER_MEMORY);
    GcRace race = GcRace.run(byHeader, longBomb);
    assertThat(race.decodeAfterGc()).as("the decode ran on after System.gc() returned").isGreaterThan(MARGIN);
  }

  @Test
  void decode_longProgressiveDecodeAsCriticalCall_holdsGcBack_negativeControl() throws Exception {
    assertThat(longBomb.length).isLessThan(NativeImageDecoder.CRITICAL_MAX_BYTES);
    ImageDecoder bySize = new NativeImageDecoder(NativeImageLibrary.get(), ImageDecoders.DEFAULT_MAX_PIXELS, true,
        NativeImageDecoder.CRITICAL_MAX_BYTES, false, Integer.MAX_VALUE, NativeImageDecoder.DEFAULT_MAX_DECODER_MEMORY);
    GcRace race = GcRace.run(bySize, longBomb);
    assertThat(race.decodeAfterGc()).as("System.gc() waited for the critical decode").isLessThan(MARGIN);
  }

  /**
   * A decode of about a second on one thread and a System.gc() on this one, started while the
   * decode runs; decodeAfterGc is how much longer the decode ran after System.gc() returned
   * (about nothing when the GC had to wait for it).
   */
  private record GcRace(Duration decodeAfterGc) {
    static GcRace run(ImageDecoder decoder, byte[] jpeg) throws Exception {
      CountDownLatch started = new CountDownLatch(1);
      AtomicLong decodeEnd = new AtomicLong();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread thread = Thread.ofPlatform().start(() -> {
        started.countDown();
        try {
          decode(decoder, jpeg, center());
        } catch (Throwable t) {
          failure.set(t);
        }
        decodeEnd.set(System.nanoTime());
      });
      started.await();
      Thread.sleep(200); // the decode takes about a second: it is in native code by now
      System.gc();
      long gcEnd = System.nanoTime();
      thread.join(Duration.ofMinutes(1));
      assertThat(failure.get()).isNull();
      assertThat(decodeEnd.get()).isNotZero();
      return new GcRace(Duration.ofNanos(decodeEnd.get() - gcEnd));
    }
  }

  /** Peak resident set size of this process (VmHWM), reset through /proc/self/clear_refs where allowed. */
  private record PeakRss(long before, boolean resettable) {
    static PeakRss reset() throws IOException {
      boolean ok;
      try {
        Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        ok = true;
      } catch (IOException | SecurityException e) {
        ok = false;
      }
      return new PeakRss(kib("VmRSS:"), ok);
    }

    void assertGrewLessThan(long bytes) throws IOException {
      if (resettable && before > 0) {
        assertThat((kib("VmHWM:") - before) * 1024).as("peak RSS growth").isLessThan(bytes);
      }
    }

    private static long kib(String key) throws IOException {
      Path status = Path.of("/proc/self/status");
      if (!Files.isReadable(status)) {
        return -1;
      }
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith(key)) {
          return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
        }
      }
      return -1;
    }
  }
}
