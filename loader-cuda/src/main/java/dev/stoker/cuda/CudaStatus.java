package dev.stoker.cuda;

import static jcuda.driver.JCudaDriver.cuDeviceComputeCapability;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;

import dev.stoker.cuda.internal.Cuda;
import jcuda.driver.CUdevice;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether CUDA is usable in this process, found out once. Without a driver, without a device, or
 * with a driver older than the bindings need, {@link #usable()} is false and {@link #reason()} says
 * why; the first probe that falls back logs that reason once, and Stoker then uses host memory and
 * the CPU path. Setting the system property {@code stoker.cuda=off} forces the host path.
 *
 * <pre>{@code
 * CudaStatus cuda = CudaStatus.probe();
 * System.out.println(cuda.usable() ? "GPU: " + cuda.device() : "host: " + cuda.reason());
 * }</pre>
 *
 * @param usable whether a device can be used
 * @param reason why not, or {@code ""} when usable
 * @param device the device's name, or {@code ""}
 * @param driverVersion the driver's CUDA version as {@code 1000 * major + 10 * minor}, 0 if unknown
 * @param computeCapability e.g. {@code 90} for 9.0, 0 if unknown
 */
public record CudaStatus(boolean usable, String reason, String device, int driverVersion, int computeCapability) {
  /** The oldest driver the JCuda 12.0 bindings work with. */
  static final int MIN_DRIVER_VERSION = 12_000;
  /** The system property that turns CUDA off. */
  public static final String PROPERTY = "stoker.cuda";
  private static final Logger LOG = LoggerFactory.getLogger(CudaStatus.class);
  private static final int CUDA_ERROR_NO_DEVICE = 100;
  private static final int CUDA_ERROR_STUB_LIBRARY = 34;
  private static final int CUDA_ERROR_INSUFFICIENT_DRIVER = 35;
  private static final int CUDA_ERROR_SYSTEM_DRIVER_MISMATCH = 803;

  /** The status of this process, probed on first call and cached; logs one line if it falls back. */
  public static CudaStatus probe() {
    return Holder.STATUS;
  }

  /** A status saying CUDA is not usable, for {@code reason}. */
  static CudaStatus unusable(String reason) {
    return new CudaStatus(false, reason, "", 0, 0);
  }

  private static final class Holder {
    static final CudaStatus STATUS = logged(detect());

    private static CudaStatus logged(CudaStatus status) {
      if (status.usable()) {
        LOG.debug("CUDA: {} (compute {}.{}), driver {}", status.device(), status.computeCapability() / 10,
            status.computeCapability() % 10, status.driverVersion());
      } else {
        LOG.info("CUDA unavailable ({}); batches stay in host memory and steps run on the CPU", status.reason());
      }
      return status;
    }
  }

  static CudaStatus detect() {
    if ("off".equalsIgnoreCase(System.getProperty(PROPERTY, ""))) {
      return unusable("turned off by -D" + PROPERTY + "=off");
    }
    try {
      JCudaDriver.setExceptionsEnabled(false);
      int rc = cuInit(0);
      if (rc != Cuda.SUCCESS) {
        return unusable(describeInitFailure(rc));
      }
      int[] version = {0};
      Cuda.check(cuDriverGetVersion(version), "cuDriverGetVersion");
      if (version[0] < MIN_DRIVER_VERSION) {
        return unusable("the driver supports CUDA " + versionText(version[0]) + "; Stoker needs "
            + versionText(MIN_DRIVER_VERSION) + " or newer");
      }
      int[] count = {0};
      Cuda.check(cuDeviceGetCount(count), "cuDeviceGetCount");
      if (count[0] == 0) {
        return unusable("the driver sees no CUDA device");
      }
      CUdevice device = new CUdevice();
      Cuda.check(cuDeviceGet(device, 0), "cuDeviceGet");
      byte[] name = new byte[256];
      Cuda.check(cuDeviceGetName(name, name.length, device), "cuDeviceGetName");
      int[] major = {0};
      int[] minor = {0};
      Cuda.check(cuDeviceComputeCapability(major, minor, device), "cuDeviceComputeCapability");
      return new CudaStatus(true, "", cString(name), version[0], 10 * major[0] + minor[0]);
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      String message = String.valueOf(e.getMessage());
      return unusable(message.contains("libcuda") ? "no CUDA driver: libcuda.so.1 cannot be loaded"
          : "the JCuda natives cannot be loaded: " + message);
    } catch (RuntimeException e) {
      return unusable("probing CUDA failed: " + e.getMessage());
    }
  }

  static String describeInitFailure(int rc) {
    String name = CUresult.stringFor(rc);
    return switch (rc) {
      case CUDA_ERROR_NO_DEVICE -> "cuInit: no CUDA-capable device (" + name + ")";
      case CUDA_ERROR_STUB_LIBRARY -> "cuInit: libcuda.so.1 is the toolkit's stub, not a driver (" + name + ")";
      case CUDA_ERROR_INSUFFICIENT_DRIVER, CUDA_ERROR_SYSTEM_DRIVER_MISMATCH ->
          "cuInit: the installed driver does not match (" + name + ")";
      default -> "cuInit failed: " + name + " (" + rc + ")";
    };
  }

  private static String versionText(int version) {
    return version / 1000 + "." + version % 1000 / 10;
  }

  private static String cString(byte[] bytes) {
    int end = 0;
    while (end < bytes.length && bytes[end] != 0) {
      end++;
    }
    return new String(bytes, 0, end, java.nio.charset.StandardCharsets.UTF_8);
  }
}
