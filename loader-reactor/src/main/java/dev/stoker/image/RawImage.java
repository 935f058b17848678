package dev.stoker.image;

import dev.stoker.api.internal.Checks;
import dev.stoker.api.DecodeException;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.ImageHeader;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Stoker's raw image format: already decoded RGB pixels behind a 16-byte header, so that a cache
 * of decoded images can hand them to the loader as "encoded bytes" that every decoder from
 * {@link dev.stoker.decode.ImageDecoders} accepts (decoding a region of one is a copy).
 *
 * <p>Layout, big-endian: 8 bytes of magic {@code 0x89 'S' 'T' 'K' 'R' 'A' 'W' '1'}, the width
 * and the height as 32-bit ints, then {@code width * height * 3} bytes of packed RGB rows with no
 * padding. The byte count must match the header exactly.
 *
 * <pre>{@code
 * ByteBuffer raw = RawImage.encode(decodedImage);
 * ImageDecoder decoder = RawImage.accepting(myDecoder); // ImageDecoders' own already accept it
 * ImageHeader header = decoder.readHeader(raw, "cat.jpg"); // format "raw"
 * }</pre>
 */
public final class RawImage {
  /** Bytes before the pixels: magic, width, height. */
  public static final int HEADER_BYTES = 16;
  /** The {@link ImageHeader#format()} of a raw image. */
  public static final String FORMAT = "raw";

  private static final byte[] MAGIC = {(byte) 0x89, 'S', 'T', 'K', 'R', 'A', 'W', '1'};
  private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
  private static final long MAX_BYTES = Integer.MAX_VALUE - 8;

  private RawImage() {}

  /**
   * Whether {@code bytes}, from its position, starts with the raw format's magic.
   *
   * @param bytes the bytes to look at; the position is not moved
   * @return {@code true} if the magic is there
   */
  public static boolean isRaw(ByteBuffer bytes) {
    Checks.notNull(bytes, "bytes");
    if (bytes.remaining() < MAGIC.length) {
      return false;
    }
    int p = bytes.position();
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes.get(p + i) != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Reads and checks the header of a raw image.
   *
   * @param bytes the raw image, from position to limit; the position is not moved
   * @param source the sample's name for error messages
   * @return the image's width and height, format {@code "raw"}
   * @throws DecodeException naming {@code source} if the magic is wrong, the header is short, the
   *     size is not positive, or the pixel bytes do not match the size
   */
  public static ImageHeader readHeader(ByteBuffer bytes, String source) {
    Checks.notNull(bytes, "bytes");
    Checks.notNull(source, "source");
    if (!isRaw(bytes)) {
      throw new DecodeException(source, "not a raw image: the first 8 bytes are not the raw format's magic");
    }
    if (bytes.remaining() < HEADER_BYTES) {
      throw new DecodeException(source, "raw image header is " + bytes.remaining() + " bytes, needs " + HEADER_BYTES);
    }
    MemorySegment segment = MemorySegment.ofBuffer(bytes);
    int width = segment.get(INT, MAGIC.length);
    int height = segment.get(INT, MAGIC.length + 4);
    if (width <= 0 || height <= 0) {
      throw new DecodeException(source, "raw image header claims a " + width + "x" + height + " image");
    }
    long pixelBytes = (long) width * height * 3;
    if (bytes.remaining() - HEADER_BYTES != pixelBytes) {
      throw new DecodeException(source, "raw image of " + width + "x" + height + " needs " + pixelBytes
          + " pixel bytes, has " + (bytes.remaining() - HEADER_BYTES));
    }
    return new ImageHeader(width, height, FORMAT);
  }

  /**
   * Encodes an RGB image in the raw format, into a new heap buffer of exactly
   * {@link #encodedBytes} bytes, position 0.
   *
   * @param image a 3-channel image, not null
   * @return a new buffer holding the header and the pixels
   * @throws IllegalArgumentException naming {@code image} if it is not 3-channel or too large
   */
  public static ByteBuffer encode(ImageBuffer image) {
    Checks.notNull(image, "image");
    Checks.argument(image.channels() == 3, "image", "must have 3 channels, has " + image.channels());
    long size = encodedBytes(image.width(), image.height());
    Checks.argument(size <= MAX_BYTES, "image", image.width() + "x" + image.height() + " is too large for one buffer");
    byte[] out = new byte[(int) size];
    MemorySegment target = MemorySegment.ofArray(out);
    MemorySegment.copy(MemorySegment.ofArray(MAGIC), 0, target, 0, MAGIC.length);
    target.set(INT, MAGIC.length, image.width());
    target.set(INT, MAGIC.length + 4, image.height());
    MemorySegment.copy(image.pixels(), 0, target, HEADER_BYTES, size - HEADER_BYTES);
    return ByteBuffer.wrap(out);
  }

  /**
   * The bytes of a raw {@code width x height} image, header included.
   *
   * @param width columns, positive
   * @param height rows, positive
   * @return {@code HEADER_BYTES + width * height * 3}
   */
  public static long encodedBytes(int width, int height) {
    Checks.positive(width, "width");
    Checks.positive(height, "height");
    return HEADER_BYTES + (long) width * height * 3;
  }

  /**
   * {@code decoder}, also accepting raw images (recognised by their magic; anything else goes to
   * {@code decoder}). Returns {@code decoder} itself if it already accepts them. The name is
   * {@code decoder}'s.
   *
   * @param decoder the decoder for everything that is not raw, not null
   * @return a decoder that also accepts raw images
   */
  public static ImageDecoder accepting(ImageDecoder decoder) {
    Checks.notNull(decoder, "decoder");
    return decoder instanceof RawAwareDecoder ? decoder : new RawAwareDecoder(decoder);
  }
}
