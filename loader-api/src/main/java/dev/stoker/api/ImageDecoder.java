package dev.stoker.api;

import java.nio.ByteBuffer;

/**
 * Turns encoded image bytes into RGB uint8 pixels. The pipeline reaches a decoder only through
 * this interface, so a faster one can be swapped in without touching anything else.
 *
 * <p>Implementations must be safe to call from many threads at once; they keep no state per call
 * except in the {@link ImageBuffer} they are given.
 *
 * <pre>{@code
 * ImageHeader h = decoder.readHeader(bytes, "cat.jpg");
 * decoder.decode(bytes, DecodeRequest.full(h), scratch, "cat.jpg");
 * }</pre>
 */
public interface ImageDecoder {
  /**
   * A short name for summaries and the bench JSON, e.g. {@code "imageio"}.
   *
   * @return the decoder's name, not null
   */
  String name();

  /**
   * Reads the size of the image without decoding pixels.
   *
   * @param encoded the encoded bytes, from position to limit; the position is not moved
   * @param source the sample's name for error messages
   * @return the image's size and format
   * @throws DecodeException naming {@code source} if the header is missing or corrupt
   */
  ImageHeader readHeader(ByteBuffer encoded, String source);

  /**
   * Decodes {@code request.region()} into {@code destination} as 3-channel RGB, possibly scaled
   * down but never below {@code request.minWidth()} by {@code request.minHeight()}. On return
   * {@code destination}'s width and height tell the decoded size.
   *
   * @param encoded the encoded bytes, from position to limit; the position is not moved
   * @param request the region and the smallest acceptable size
   * @param destination receives the pixels; grown if needed
   * @param source the sample's name for error messages
   * @throws DecodeException naming {@code source} if the bytes cannot be decoded
   */
  void decode(ByteBuffer encoded, DecodeRequest request, ImageBuffer destination, String source);

  /**
   * Images delivered despite corrupt-data warnings since this decoder was created: a lenient
   * decoder keeps its best effort on a damaged file (gray where data is missing) and counts it
   * here; a strict one fails such a file instead. Safe to read while decodes run.
   *
   * @return the count; 0 for a decoder that never delivers damaged images
   */
  default long warnings() {
    return 0;
  }
}
