package dev.stoker.cuda.checks;

import dev.stoker.api.internal.Checks;
import dev.stoker.cuda.CudaStatus;
import java.util.Locale;

/**
 * What {@link GpuChecks} needs to know about the device it checks: the fields of
 * {@link CudaStatus#probe()} it prints and reports, so that tests can describe a device without
 * depending on how {@link CudaStatus} is built.
 *
 * <pre>{@code
 * Device device = Device.of(CudaStatus.probe());
 * }</pre>
 *
 * @param usable whether CUDA can be used
 * @param reason why not, {@code ""} when usable
 * @param name the device's name, {@code ""} when unusable
 * @param driverVersion {@code 1000 * major + 10 * minor}, 0 if unknown
 * @param computeCapability e.g. {@code 90}, 0 if unknown
 */
record Device(boolean usable, String reason, String name, int driverVersion, int computeCapability) {
  Device {
    Checks.notNull(reason, "reason");
    Checks.notNull(name, "name");
  }

  static Device of(CudaStatus status) {
    return new Device(status.usable(), status.reason(), status.device(), status.driverVersion(),
        status.computeCapability());
  }

  /** A device that cannot be used, for {@code reason}. */
  static Device unusable(String reason) {
    return new Device(false, reason, "", 0, 0);
  }

  /** Whether this is the CUDA driver stand-in (a test fixture), whose device name says so. */
  boolean standin() {
    return usable && name.toLowerCase(Locale.ROOT).contains("stand-in");
  }

  /** {@code "13.0"}, or {@code null} if unknown. */
  String driver() {
    return driverVersion == 0 ? null : driverVersion / 1000 + "." + driverVersion % 1000 / 10;
  }

  /** {@code "9.0"}, or {@code null} if unknown. */
  String compute() {
    return computeCapability == 0 ? null : computeCapability / 10 + "." + computeCapability % 10;
  }
}
