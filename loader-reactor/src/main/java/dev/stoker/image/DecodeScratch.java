package dev.stoker.image;

import static dev.stoker.image.NativeImageLibrary.ERROR_CAPACITY;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * One thread's buffers for {@link NativeImageDecoder}'s calls into C: the header's info array,
 * the warning count and the error message (on the heap for critical calls, in native memory for
 * plain ones), and a native copy of heap input that a plain call needs. Reused from call to call
 * instead of an {@link Arena} and three allocations per call (a header read and a decode per
 * sample). The C library clears the message and the count at the start of every call, so nothing
 * of one call is seen by the next. Calls on one thread do not nest, so one set per thread is enough.
 *
 * <pre>{@code
 * DecodeScratch s = DecodeScratch.get();
 * int status = library.readHeader(data, s.info(), s.heapError());
 * }</pre>
 */
final class DecodeScratch {
  /**
   * Largest heap input whose native copy is kept for the thread's next call: 1 MiB, well above
   * dataset-sized files (ImageNet's are ~110 KB); larger inputs get a buffer of their own per call.
   */
  static final long MAX_KEPT_INPUT = 1L << 20;

  private static final ThreadLocal<DecodeScratch> SCRATCH = ThreadLocal.withInitial(DecodeScratch::new);

  private final int[] info = new int[NativeImageLibrary.INFO_LENGTH];
  private final byte[] errorBytes = new byte[ERROR_CAPACITY];
  private final int[] warningCount = new int[1];
  private final MemorySegment infoSegment = MemorySegment.ofArray(info);
  private final MemorySegment heapError = MemorySegment.ofArray(errorBytes);
  private final MemorySegment heapWarnings = MemorySegment.ofArray(warningCount);
  /** Freed by the GC once the thread (and so this scratch) is gone. */
  private final Arena arena = Arena.ofAuto();
  private final MemorySegment nativeError = arena.allocate(ERROR_CAPACITY);
  private final MemorySegment nativeWarnings = arena.allocate(ValueLayout.JAVA_INT);
  private MemorySegment input = MemorySegment.NULL;

  private DecodeScratch() {}

  /** @return the calling thread's scratch */
  static DecodeScratch get() {
    return SCRATCH.get();
  }

  /** @return the header info array, as read back after {@code stoker_read_header} */
  int[] infoArray() {
    return info;
  }

  /** @return a heap segment over {@link #infoArray()}, for a critical call */
  MemorySegment info() {
    return infoSegment;
  }

  /** @return the heap error buffer, for a critical call */
  MemorySegment heapError() {
    return heapError;
  }

  /** @return the heap warning count, for a critical call */
  MemorySegment heapWarnings() {
    return heapWarnings;
  }

  /** @return the native error buffer, for a plain call */
  MemorySegment nativeError() {
    return nativeError;
  }

  /** @return the native warning count, for a plain call */
  MemorySegment nativeWarnings() {
    return nativeWarnings;
  }

  /** @return the warning count a critical call left */
  int heapWarningCount() {
    return warningCount[0];
  }

  /** @return the message a critical call left, empty when none */
  String heapMessage() {
    int n = 0;
    while (n < errorBytes.length && errorBytes[n] != 0) {
      n++;
    }
    return new String(errorBytes, 0, n, StandardCharsets.UTF_8);
  }

  /**
   * A native copy of heap {@code data} in this thread's input buffer, grown as needed; null when
   * {@code data} is over {@link #MAX_KEPT_INPUT} (the caller copies it into an arena of its own).
   *
   * @param data heap bytes of an encoded image
   * @return a native segment of {@code data.byteSize()} bytes holding them, or null
   */
  MemorySegment copyOf(MemorySegment data) {
    long size = data.byteSize();
    if (size > MAX_KEPT_INPUT) {
      return null;
    }
    if (input.byteSize() < size) {
      input = arena.allocate(Math.min(MAX_KEPT_INPUT, Math.max(64 << 10, Long.highestOneBit(Math.max(1, size - 1)) << 1)));
    }
    MemorySegment copy = input.asSlice(0, size);
    copy.copyFrom(data);
    return copy;
  }
}
