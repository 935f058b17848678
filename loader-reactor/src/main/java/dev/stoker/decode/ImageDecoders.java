package dev.stoker.decode;

import dev.stoker.api.DecodeRequest;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.ImageHeader;
import dev.stoker.api.LoaderException;
import dev.stoker.api.Region;
import dev.stoker.api.internal.Checks;
import dev.stoker.image.ImageIoDecoder;
import dev.stoker.image.NativeImageDecoder;
import dev.stoker.image.NativeImageLibrary;
import dev.stoker.image.RawImage;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks a decoder: the native libjpeg-turbo/libpng library when it loads, else JDK ImageIO.
 *
 * <p>The native library ({@code libstokerimage.so}, linux-x86_64) travels inside this module's jar
 * with the libjpeg-turbo, libpng and zlib it was built against: at run time it needs only glibc, no
 * installed libjpeg or libpng. It is copied once into a cache folder ({@code ~/.cache/stoker/native},
 * see {@code NativeImageLibrary}: system property {@code stoker.native.cache}, environment variable
 * {@code STOKER_NATIVE_CACHE}), checked against its SHA-256 there, and loaded; the JVM flag
 * {@code --enable-native-access=dev.stoker.reactor} (or {@code ALL-UNNAMED} on the class path) lets
 * it run without a warning. Where it does not load, {@link #nativeUnavailableReason()} says why.
 *
 * <p>Every decoder refuses images whose header claims more than a pixel limit
 * ({@link #DEFAULT_MAX_PIXELS} unless given), before decoding them. A strict native decoder (the
 * default) fails JPEGs on which libjpeg reports corrupt data, anywhere in the file: it reads the
 * whole scan even when only a crop is wanted (the rows below the crop are entropy-decoded only,
 * about a tenth more decode time on ImageNet-style random crops). A lenient one keeps libjpeg's
 * best effort (gray where data is missing), as most other loaders do, stops after the crop, and
 * counts the images it delivered despite warnings in {@link ImageDecoder#warnings()}.
 *
 * <p>The native decoder also refuses decompression bombs: JPEGs with more than
 * {@link NativeImageDecoder#DEFAULT_MAX_SCANS} scans, or whose decode needs more than
 * {@link NativeImageDecoder#DEFAULT_MAX_DECODER_MEMORY} bytes of libjpeg working memory (per
 * decode, so per worker); each fails as that image's {@code DecodeException} naming the limit.
 *
 * <p>Every decoder returned here also decodes {@link RawImage}s, the decoded images a
 * {@code SampleCaches.decoded} cache serves.
 *
 * <pre>{@code
 * ImageDecoder decoder = ImageDecoders.best();
 * ImageDecoder forgiving = ImageDecoders.best(ImageDecoders.DEFAULT_MAX_PIXELS, true);
 * }</pre>
 */
public final class ImageDecoders {
  /** The default limit on decoded pixels: 100 megapixels. */
  public static final long DEFAULT_MAX_PIXELS = 100_000_000L;

  private static final Logger log = LoggerFactory.getLogger(ImageDecoders.class);
  private static final AtomicBoolean warned = new AtomicBoolean();

  private ImageDecoders() {}

  /**
   * The fastest decoder that works on this machine, strict, with the default pixel limit. When
   * the native library does not load, logs why once per JVM and returns {@link #imageIo()}.
   *
   * @return the native decoder if it loads, else ImageIO
   */
  public static ImageDecoder best() {
    return best(DEFAULT_MAX_PIXELS, false);
  }

  /**
   * The fastest decoder that works on this machine.
   *
   * @param maxPixels the largest image, in pixels, that is decoded; larger ones fail
   * @param lenient whether the native decoder keeps JPEGs with corrupt data (ImageIO ignores it)
   * @return the native decoder if it loads, else ImageIO
   * @throws IllegalArgumentException if {@code maxPixels} is not positive
   */
  public static ImageDecoder best(long maxPixels, boolean lenient) {
    checkMaxPixels(maxPixels);
    String reason = NativeImageLibrary.unavailableReason();
    if (reason == null) {
      return RawImage.accepting(new NativeImageDecoder(NativeImageLibrary.get(), maxPixels, lenient));
    }
    if (warned.compareAndSet(false, true)) {
      log.warn("Decoding with ImageIO, about 3x slower: native image decoder unavailable: {}", reason);
    }
    return RawImage.accepting(new ImageIoDecoder(maxPixels));
  }

  /**
   * Why the native decoder does not load on this machine (another platform, a jar built without
   * it, a damaged file, a {@code dlopen} error), or empty where it loads; {@link #best()} then
   * decodes with ImageIO.
   *
   * @return the reason, or empty when the native decoder loads
   */
  public static Optional<String> nativeUnavailableReason() {
    return Optional.ofNullable(NativeImageLibrary.unavailableReason());
  }

  /**
   * Which reader the native decoder uses for PNGs: {@code "libdeflate"} (its own reader of
   * non-interlaced PNGs, inflating with libdeflate, about 2x libpng's speed; libpng for interlaced
   * and unusual files) or {@code "libpng"} (where the library was built without libdeflate).
   *
   * <pre>{@code
   * String png = ImageDecoders.nativePngReader().orElse("none"); // "libdeflate"
   * }</pre>
   *
   * @return the PNG reader's name, or empty where the native decoder does not load
   */
  public static Optional<String> nativePngReader() {
    return nativeUnavailableReason().isPresent()
        ? Optional.empty()
        : Optional.of(NativeImageLibrary.get().pngReader());
  }

  /**
   * The native libjpeg-turbo/libpng decoder, strict, with the default pixel limit.
   *
   * @return the native decoder
   * @throws LoaderException saying why if the native library does not load on this machine
   */
  public static ImageDecoder nativeDecoder() {
    return nativeDecoder(DEFAULT_MAX_PIXELS, false);
  }

  /**
   * The native libjpeg-turbo/libpng decoder.
   *
   * @param maxPixels the largest image, in pixels, that is decoded; larger ones fail
   * @param lenient whether to keep JPEGs on which libjpeg reports corrupt data instead of failing
   * @return the native decoder
   * @throws LoaderException saying why if the native library does not load on this machine
   * @throws IllegalArgumentException if {@code maxPixels} is not positive
   */
  public static ImageDecoder nativeDecoder(long maxPixels, boolean lenient) {
    checkMaxPixels(maxPixels);
    return RawImage.accepting(new NativeImageDecoder(NativeImageLibrary.get(), maxPixels, lenient));
  }

  /**
   * The JDK ImageIO decoder with the default pixel limit.
   *
   * @return the ImageIO decoder, available everywhere
   */
  public static ImageDecoder imageIo() {
    return RawImage.accepting(new ImageIoDecoder(DEFAULT_MAX_PIXELS));
  }

  /**
   * {@code decoder} asked for every region at full resolution: no JPEG DCT scaling. The
   * exact-reference mode for evaluation against torchvision on PIL, whose {@code Resize} filters the
   * full-size image: {@code imagenet-eval} then stays within about 0.1 level of
   * {@code Resize(S * 8 / 7) + CenterCrop(S)} on average on images at least twice the resized size
   * too, where the default's DCT scale of 1/2, 1/4 or 1/8 (a different low-pass) differs by about 2
   * levels on average. It costs those images their full-size decode (measured: about 1.3x the CPU
   * time per sample on 500 to 1000 pixel photographs, 1.7x on 6 to 12 megapixel ones); smaller
   * images are never scaled and cost the same.
   *
   * <pre>{@code
   * ImageDecoder exact = ImageDecoders.fullScale(ImageDecoders.best());
   * }</pre>
   *
   * @param decoder the decoder to ask, not null
   * @return a decoder that forwards to {@code decoder} with each request's minimum size raised to
   *     its region's size, named {@code decoder}'s name followed by {@code ", full scale"}
   */
  public static ImageDecoder fullScale(ImageDecoder decoder) {
    Checks.notNull(decoder, "decoder");
    return new ImageDecoder() {
      @Override
      public String name() {
        return decoder.name() + ", full scale";
      }

      @Override
      public ImageHeader readHeader(ByteBuffer encoded, String source) {
        return decoder.readHeader(encoded, source);
      }

      @Override
      public void decode(ByteBuffer encoded, DecodeRequest request, ImageBuffer destination, String source) {
        Region region = request.region();
        decoder.decode(encoded, new DecodeRequest(region, region.width(), region.height(), request.knownSound()),
            destination, source);
      }

      @Override
      public long warnings() {
        return decoder.warnings();
      }
    };
  }

  private static void checkMaxPixels(long maxPixels) {
    if (maxPixels <= 0) {
      throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
    }
  }
}
