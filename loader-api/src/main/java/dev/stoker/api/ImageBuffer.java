package dev.stoker.api;

import dev.stoker.api.internal.Checks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A reusable off-heap uint8 image in HWC order (rows of interleaved channels), packed with no row
 * padding. Decoders write into one; transforms read from one.
 *
 * <p>An {@code ImageBuffer} grows when a larger image is written into it and never shrinks, so a
 * worker that keeps one per thread allocates nothing in steady state. It is not thread-safe.
 *
 * <pre>{@code
 * ImageBuffer scratch = ImageBuffer.allocate(1 << 20);
 * decoder.decode(bytes, request, scratch, "cat.jpg");
 * int w = scratch.width(), h = scratch.height();
 * }</pre>
 */
public final class ImageBuffer {
  private MemorySegment memory;
  private int width;
  private int height;
  private int channels;

  private ImageBuffer(long capacity) {
    this.memory = Arena.ofAuto().allocate(Math.max(1, capacity), 64);
  }

  /**
   * Allocates a buffer that can hold {@code capacity} bytes before it grows.
   *
   * @param capacity bytes to allocate up front, 0 or more
   * @return a new empty buffer
   */
  public static ImageBuffer allocate(long capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must not be negative, got " + capacity);
    }
    return new ImageBuffer(capacity);
  }

  /**
   * Sets the shape for the next write and makes sure the memory can hold it; the contents are
   * undefined afterwards.
   *
   * @param width columns of the next image, positive
   * @param height rows of the next image, positive
   * @param channels channels per pixel: 1, 3 or 4
   * @return the memory to write, exactly {@code width * height * channels} bytes long
   */
  public MemorySegment reshape(int width, int height, int channels) {
    Checks.positive(width, "width");
    Checks.positive(height, "height");
    if (channels != 1 && channels != 3 && channels != 4) { // the message only on failure: this runs per sample
      throw new IllegalArgumentException("channels: must be 1, 3 or 4, got " + channels);
    }
    long need = (long) width * height * channels;
    if (need > memory.byteSize()) {
      memory = Arena.ofAuto().allocate(Math.max(need, memory.byteSize() + memory.byteSize() / 2), 64);
    }
    this.width = width;
    this.height = height;
    this.channels = channels;
    return pixels();
  }

  /**
   * The current pixels, exactly {@code width * height * channels} bytes.
   *
   * @return a view of the current image's bytes, valid until the next {@link #reshape}
   */
  public MemorySegment pixels() {
    return memory.asSlice(0, (long) width * height * channels);
  }

  /**
   * Columns of the current image.
   *
   * @return the current width in pixels, 0 before the first {@link #reshape}
   */
  public int width() {
    return width;
  }

  /**
   * Rows of the current image.
   *
   * @return the current height in pixels, 0 before the first {@link #reshape}
   */
  public int height() {
    return height;
  }

  /**
   * Channels per pixel of the current image: 1, 3 or 4.
   *
   * @return the current channel count, 0 before the first {@link #reshape}
   */
  public int channels() {
    return channels;
  }

  /**
   * Bytes the buffer holds before it must grow.
   *
   * @return the allocated size in bytes
   */
  public long capacity() {
    return memory.byteSize();
  }
}
