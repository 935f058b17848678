package dev.stoker.advice;

import dev.stoker.api.internal.Checks;

/**
 * The machine the feasibility rules judge: its cores, the memory free for a cache, and its GPU, if
 * any. {@code stoker doctor} measures one; tests inject one.
 *
 * <pre>{@code
 * Hardware laptop = new Hardware(8, 12L << 30, 8L << 30, 12e9);     // 8 cores, 12 GiB free, an 8 GiB GPU
 * Hardware server = Hardware.withoutGpu(32, 200L << 30);
 * }</pre>
 *
 * @param cores processors available to the loader, at least 1
 * @param memoryAvailableBytes memory free for a cache (MemAvailable), or -1 when unknown
 * @param gpuMemoryBytes the GPU's memory, or -1 when there is no usable GPU
 * @param hostToDeviceBytesPerSecond pinned host-to-device copy bandwidth, or 0 when not measured
 */
public record Hardware(int cores, long memoryAvailableBytes, long gpuMemoryBytes, double hostToDeviceBytesPerSecond) {

  /** Validates the fields. */
  public Hardware {
    Checks.positive(cores, "cores");
    Checks.argument(memoryAvailableBytes >= -1, "memoryAvailableBytes", "must be -1 (unknown) or more, got "
        + memoryAvailableBytes);
    Checks.argument(gpuMemoryBytes >= -1, "gpuMemoryBytes", "must be -1 (no GPU) or more, got " + gpuMemoryBytes);
    Checks.argument(hostToDeviceBytesPerSecond >= 0, "hostToDeviceBytesPerSecond", "must be 0 or more, got "
        + hostToDeviceBytesPerSecond);
  }

  /**
   * A machine with no usable GPU.
   *
   * @param cores processors, at least 1
   * @param memoryAvailableBytes memory free for a cache, or -1
   * @return the description
   */
  public static Hardware withoutGpu(int cores, long memoryAvailableBytes) {
    return new Hardware(cores, memoryAvailableBytes, -1, 0);
  }

  /**
   * Whether a GPU's memory is known.
   *
   * @return true with a GPU
   */
  public boolean hasGpu() {
    return gpuMemoryBytes >= 0;
  }
}
