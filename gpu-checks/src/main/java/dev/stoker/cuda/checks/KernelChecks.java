package dev.stoker.cuda.checks;

import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import dev.stoker.cuda.DeviceFeed;
import dev.stoker.cuda.DeviceTransform;
import dev.stoker.cuda.PixelType;
import dev.stoker.cuda.internal.Cuda;
import dev.stoker.cuda.internal.NormalizeKernels;
import dev.stoker.cuda.internal.NormalizeReference;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;

/**
 * Runs each kernel on random inputs and compares it with its CPU reference: the normalization
 * kernels bit for bit (both use one fused multiply-add and round-to-nearest-even float16), the
 * trainer's kernels within the tolerances {@link TrainerChecks} states.
 */
final class KernelChecks {
  private KernelChecks() {}

  /**
   * The normalization kernels (float32 and float16, with and without flip) and the box flip against
   * {@link NormalizeReference}, bit for bit, on the thread of a feed of their own.
   */
  static Verdict normalize(CheckEnv env) {
    PrintStream out = env.out();
    try (DeviceFeed feed = DeviceFeed.open(DeviceTransform.imagenet(PixelType.FLOAT32))) {
      return feed.call(() -> {
        List<String> failures = new ArrayList<>();
        long values = 0;
        CUstream stream = new CUstream();
        Cuda.check(cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
        try (NormalizeKernels kernels = NormalizeKernels.load()) {
          for (PixelType type : PixelType.values()) {
            for (boolean flip : new boolean[] {false, true}) {
              long[] result = normalize(kernels, stream, type, flip);
              values += result[1];
              out.printf("  normalize %s%s: %d of %d values differ from the CPU reference%n", type,
                  flip ? " + flip" : "", result[0], result[1]);
              if (result[0] != 0 || result[1] == 0) {
                failures.add("normalize " + type + (flip ? " + flip" : ""));
              }
            }
          }
          long[] boxes = flipBoxes(kernels, stream);
          values += boxes[1];
          out.printf("  flip_boxes: %d of %d values differ%n", boxes[0], boxes[1]);
          if (boxes[0] != 0 || boxes[1] == 0) {
            failures.add("flip_boxes");
          }
        } finally {
          cuStreamDestroy(stream);
        }
        return failures.isEmpty() ? Verdict.pass(values + " values equal to the CPU reference, bit for bit")
            : Verdict.fail("differed from the CPU reference: " + String.join(", ", failures));
      });
    }
  }

  /** The reference trainer's kernels against {@link dev.stoker.cuda.trainer.TrainerMath} ({@link TrainerChecks}). */
  static Verdict trainer(CheckEnv env) {
    try (DeviceFeed feed = DeviceFeed.open(DeviceTransform.imagenet(PixelType.FLOAT32))) {
      return feed.call(() -> TrainerChecks.all(env.out()));
    }
  }

  /** {mismatches, values compared}. */
  private static long[] normalize(NormalizeKernels kernels, CUstream stream, PixelType type, boolean flip) {
    int n = 5;
    int h = 37;
    int w = 53;
    int c = 3;
    SplittableRandom random = new SplittableRandom(11);
    byte[] in = new byte[n * h * w * c];
    for (int i = 0; i < in.length; i++) {
      in[i] = (byte) random.nextInt(256);
    }
    int[] flips = new int[n];
    for (int b = 0; b < n; b++) {
      flips[b] = flip ? b % 2 : 0;
    }
    DeviceTransform transform = DeviceTransform.imagenet(type);
    float[] params = new float[2 * c];
    System.arraycopy(transform.scale(), 0, params, 0, c);
    System.arraycopy(transform.bias(), 0, params, c, c);
    long outBytes = (long) n * c * h * w * type.bytes();
    CUdeviceptr dIn = alloc(in.length);
    CUdeviceptr dOut = alloc(outBytes);
    CUdeviceptr dFlip = alloc((long) n * Integer.BYTES);
    CUdeviceptr dParams = alloc((long) params.length * Float.BYTES);
    try (Arena arena = Arena.ofConfined()) {
      Cuda.check(cuMemcpyHtoD(dIn, Pointer.to(in), in.length), "cuMemcpyHtoD");
      Cuda.check(cuMemcpyHtoD(dFlip, Pointer.to(flips), (long) n * Integer.BYTES), "cuMemcpyHtoD");
      Cuda.check(cuMemcpyHtoD(dParams, Pointer.to(params), (long) params.length * Float.BYTES), "cuMemcpyHtoD");
      kernels.normalize(dIn, dOut, type, flip ? dFlip : null, dParams, n, h, w, c, stream);
      Cuda.check(cuStreamSynchronize(stream), "cuStreamSynchronize");
      byte[] gpu = new byte[(int) outBytes];
      Cuda.check(cuMemcpyDtoH(Pointer.to(gpu), dOut, outBytes), "cuMemcpyDtoH");
      MemorySegment expected = arena.allocate(outBytes, 8);
      NormalizeReference.normalize(MemorySegment.ofArray(in), expected, type, flip ? flips : null, transform.scale(),
          transform.bias(), n, h, w, c);
      return new long[] {mismatches(MemorySegment.ofArray(gpu), expected, type.bytes()), outBytes / type.bytes()};
    } finally {
      free(dIn, dOut, dFlip, dParams);
    }
  }

  /** {mismatches, values compared}. */
  private static long[] flipBoxes(NormalizeKernels kernels, CUstream stream) {
    int n = 4;
    int maxBoxes = 3;
    float width = 300;
    float[] boxes = new float[n * maxBoxes * 4];
    int[] labels = new int[n * maxBoxes];
    SplittableRandom random = new SplittableRandom(5);
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i % maxBoxes == 2 ? -1 : random.nextInt(20);
      for (int k = 0; k < 4; k++) {
        boxes[i * 4 + k] = labels[i] < 0 ? 0 : (float) random.nextDouble(width);
      }
    }
    int[] flips = {1, 0, 1, 1};
    CUdeviceptr dBoxes = alloc((long) boxes.length * Float.BYTES);
    CUdeviceptr dLabels = alloc((long) labels.length * Integer.BYTES);
    CUdeviceptr dFlip = alloc((long) n * Integer.BYTES);
    try {
      Cuda.check(cuMemcpyHtoD(dBoxes, Pointer.to(boxes), (long) boxes.length * Float.BYTES), "cuMemcpyHtoD");
      Cuda.check(cuMemcpyHtoD(dLabels, Pointer.to(labels), (long) labels.length * Integer.BYTES), "cuMemcpyHtoD");
      Cuda.check(cuMemcpyHtoD(dFlip, Pointer.to(flips), (long) n * Integer.BYTES), "cuMemcpyHtoD");
      kernels.flipBoxes(dBoxes, dLabels, dFlip, n, maxBoxes, width, stream);
      Cuda.check(cuStreamSynchronize(stream), "cuStreamSynchronize");
      float[] gpu = new float[boxes.length];
      Cuda.check(cuMemcpyDtoH(Pointer.to(gpu), dBoxes, (long) gpu.length * Float.BYTES), "cuMemcpyDtoH");
      MemorySegment expected = MemorySegment.ofArray(boxes.clone());
      NormalizeReference.flipBoxes(expected, MemorySegment.ofArray(labels), flips, n, maxBoxes, width);
      return new long[] {mismatches(MemorySegment.ofArray(gpu), expected, Float.BYTES), gpu.length};
    } finally {
      free(dBoxes, dLabels, dFlip);
    }
  }

  /** The number of {@code bytes}-wide values that differ between the two segments. */
  static long mismatches(MemorySegment actual, MemorySegment expected, int bytes) {
    long bad = 0;
    long values = Math.min(actual.byteSize(), expected.byteSize()) / bytes;
    for (long i = 0; i < values; i++) {
      boolean same = bytes == 2
          ? actual.get(ValueLayout.JAVA_SHORT_UNALIGNED, i * 2) == expected.get(ValueLayout.JAVA_SHORT_UNALIGNED, i * 2)
          : actual.get(ValueLayout.JAVA_INT_UNALIGNED, i * 4) == expected.get(ValueLayout.JAVA_INT_UNALIGNED, i * 4);
      bad += same ? 0 : 1;
    }
    return bad + Math.abs(actual.byteSize() - expected.byteSize()) / bytes;
  }

  static CUdeviceptr alloc(long bytes) {
    return Cuda.alloc(bytes, "check buffer");
  }

  static void free(CUdeviceptr... pointers) {
    for (CUdeviceptr p : pointers) {
      Cuda.free(p);
    }
  }
}
