package dev.stoker.cuda;

import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;

import dev.stoker.cuda.internal.Cuda;
import dev.stoker.cuda.internal.KernelPreflight;
import dev.stoker.cuda.internal.PrimaryContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUresult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether CUDA is usable on one device of this process, found out once per device. Without a
 * driver, without the device, with a driver older than CUDA 13.0 (Stoker's
 * kernels are built by nvcc 13: PTX ISA 9.0 and the CUDA 13 ELF ABI, which older drivers cannot
 * load), or when Stoker's kernel modules do not load on the device, {@link #usable()} is false and
 * {@link #reason()} says why in one line; the first probe of a device that falls back logs that
 * reason once, and Stoker then uses host memory and the CPU path. The probe is decisive: before
 * anything is allocated it retains the device's primary context, loads each kernel module, looks
 * up each kernel, unloads them and releases the context. Setting the system property
 * {@code stoker.cuda=off} forces the host path.
 *
 * <pre>{@code
 * CudaStatus cuda = CudaStatus.probe();     // the device LOCAL_RANK names, else device 0
 * System.out.println(cuda.usable() ? "GPU: " + cuda.device() : "host: " + cuda.reason());
 * }</pre>
 *
 * @param usable whether the device can be used
 * @param reason why not, or {@code ""} when usable
 * @param device the device's name, or {@code ""} if unknown
 * @param driverVersion the driver's CUDA version as {@code 1000 * major + 10 * minor}, 0 if unknown
 * @param computeCapability e.g. {@code 90} for 9.0, 0 if unknown
 * @param ordinal the device's ordinal, -1 if none was probed
 */
public record CudaStatus(boolean usable, String reason, String device, int driverVersion, int computeCapability,
    int ordinal) {
  /** The oldest driver that loads the committed kernels (nvcc 13 output): CUDA 13.0. */
  static final int MIN_DRIVER_VERSION = 13_000;
  private static final String MIN_DRIVER_VERSION_TEXT = "13.0";
  /** The system property that turns CUDA off. */
  public static final String PROPERTY = "stoker.cuda";
  /** The environment variable naming this process's device (as torchrun and similar launchers set it). */
  public static final String LOCAL_RANK = "LOCAL_RANK";
  /** How {@link #reason()} starts when the probed ordinal is not one of the driver's devices. */
  static final String NO_SUCH_DEVICE = "no CUDA device ";
  private static final Logger LOG = LoggerFactory.getLogger(CudaStatus.class);
  private static final int CUDA_ERROR_NO_DEVICE = 100;
  private static final int CUDA_ERROR_STUB_LIBRARY = 34;
  private static final int CUDA_ERROR_INSUFFICIENT_DRIVER = 35;
  private static final int CUDA_ERROR_SYSTEM_DRIVER_MISMATCH = 803;
  private static final Map<Integer, CudaStatus> PROBED = new ConcurrentHashMap<>();

  /**
   * The status of the device this process uses by default ({@link #defaultDevice()}), probed on
   * first call and cached; logs one line if it falls back. A {@code LOCAL_RANK} that is not a
   * device ordinal makes it unusable, with a reason naming {@code LOCAL_RANK}.
   *
   * @return the default device's status, never null
   */
  public static CudaStatus probe() {
    int device;
    try {
      device = defaultDevice();
    } catch (IllegalStateException e) {
      return unusable(e.getMessage());
    }
    return probe(device);
  }

  /**
   * The status of device {@code device}, probed on the first call for it and cached; logs one line
   * if it falls back.
   *
   * @param device the device's ordinal, 0 or more
   * @return the device's status, never null
   * @throws IllegalArgumentException if {@code device} is negative
   */
  public static CudaStatus probe(int device) {
    dev.stoker.api.internal.Checks.argument(device >= 0, "device", "must be a device ordinal (0 or more), got "
        + device);
    return PROBED.computeIfAbsent(device, d -> logged(detect(d)));
  }

  /**
   * The device this process uses unless told otherwise: the value of the environment variable
   * {@value #LOCAL_RANK} (one process per GPU, as torchrun starts them), or 0 when it is not set.
   *
   * @return the device ordinal, 0 or more
   * @throws IllegalStateException naming {@code LOCAL_RANK} when it is set but not an ordinal
   */
  public static int defaultDevice() {
    return localRank(System.getenv(LOCAL_RANK));
  }

  /** The device ordinal {@code value} of {@code LOCAL_RANK} names; 0 for {@code null} (not set). */
  static int localRank(String value) {
    if (value == null) {
      return 0;
    }
    String text = value.strip();
    int rank;
    try {
      rank = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalStateException(LOCAL_RANK + "=\"" + value + "\" is not a device ordinal; unset it or set it"
          + " to this process's local rank (0, 1, ...)");
    }
    if (rank < 0) {
      throw new IllegalStateException(LOCAL_RANK + "=" + rank + " is negative; it must be this process's local rank"
          + " (0, 1, ...)");
    }
    return rank;
  }

  /** A status saying CUDA is not usable, for {@code reason}. */
  static CudaStatus unusable(String reason) {
    return new CudaStatus(false, reason, "", 0, 0, -1);
  }

  /** Whether this status is unusable because the probed ordinal is not one of the driver's devices. */
  boolean missingDevice() {
    return !usable && reason.startsWith(NO_SUCH_DEVICE);
  }

  private static CudaStatus logged(CudaStatus status) {
    if (status.usable()) {
      LOG.debug("CUDA device {}: {} (compute {}.{}), driver {}", status.ordinal(), status.device(),
          status.computeCapability() / 10, status.computeCapability() % 10, status.driverVersion());
    } else {
      LOG.info("CUDA unavailable ({}); batches stay in host memory and steps run on the CPU", status.reason());
    }
    return status;
  }

  /**
   * Probes device {@code ordinal} now, without the cache: driver, device, its kernels. Never
   * changes JCuda's exception flag and never throws for a CUDA failure.
   */
  static CudaStatus detect(int ordinal) {
    return detect(ordinal, MIN_DRIVER_VERSION);
  }

  /**
   * {@link #detect(int)} with another driver floor: for the test that shows the kernel preflight
   * catching, on its own, a driver the floor would have let through.
   */
  static CudaStatus detect(int ordinal, int minDriverVersion) {
    if ("off".equalsIgnoreCase(System.getProperty(PROPERTY, ""))) {
      return unusable("turned off by -D" + PROPERTY + "=off");
    }
    try {
      int rc = Cuda.rc(() -> cuInit(0));
      if (rc != Cuda.SUCCESS) {
        return unusable(describeInitFailure(rc));
      }
      int[] version = {0};
      Cuda.check(() -> cuDriverGetVersion(version), "cuDriverGetVersion");
      if (version[0] < minDriverVersion) {
        return new CudaStatus(false, driverTooOld(version[0]), "", version[0], 0, ordinal);
      }
      int[] count = {0};
      Cuda.check(() -> cuDeviceGetCount(count), "cuDeviceGetCount");
      if (count[0] == 0) {
        return new CudaStatus(false, "the driver sees no CUDA device", "", version[0], 0, ordinal);
      }
      if (ordinal >= count[0]) {
        return new CudaStatus(false, NO_SUCH_DEVICE + ordinal + ": the driver sees " + count[0]
            + (count[0] == 1 ? " device" : " devices") + " (0 to " + (count[0] - 1) + ")", "", version[0], 0, ordinal);
      }
      CUdevice device = PrimaryContext.device(ordinal);
      byte[] name = new byte[256];
      Cuda.check(() -> cuDeviceGetName(name, name.length, device), "cuDeviceGetName");
      int capability = 10 * attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR)
          + attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
      String deviceName = cString(name);
      String failure = KernelPreflight.check(device);
      if (!failure.isEmpty()) {
        return new CudaStatus(false, kernelsDoNotLoad(deviceName, capability, failure), deviceName, version[0],
            capability, ordinal);
      }
      return new CudaStatus(true, "", deviceName, version[0], capability, ordinal);
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      String message = String.valueOf(e.getMessage());
      return unusable(message.contains("libcuda") ? "no CUDA driver: libcuda.so.1 cannot be loaded"
          : "the JCuda natives cannot be loaded: " + message);
    } catch (RuntimeException e) {
      return unusable("probing CUDA failed: " + e.getMessage());
    }
  }

  private static int attribute(CUdevice device, int attribute) {
    int[] value = {0};
    Cuda.check(() -> cuDeviceGetAttribute(value, attribute, device), "cuDeviceGetAttribute(" + attribute + ")");
    return value[0];
  }

  /** The reason for a driver older than the kernels need. */
  static String driverTooOld(int version) {
    return "the driver supports CUDA " + versionText(version) + "; Stoker's kernels need " + MIN_DRIVER_VERSION_TEXT
        + " or newer";
  }

  /** The reason for kernels the driver refused on {@code device}. */
  static String kernelsDoNotLoad(String device, int computeCapability, String failure) {
    return "the kernels do not load on " + device + " (compute " + computeCapability / 10 + "."
        + computeCapability % 10 + "): " + failure;
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
