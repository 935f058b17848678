package dev.stoker.cuda.standin;

import static dev.stoker.cuda.standin.Kernels.launch;
import static dev.stoker.cuda.standin.Kernels.readFloats;
import static dev.stoker.cuda.standin.Kernels.readShorts;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUresult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The project's kernels, run by the stand-in from the committed fatbins' names and the host builds of the same
 * .cu files, on small hand-computed cases. (The comparison with the CPU references over real batches belongs
 * to loader-cuda's and gpu-checks' stand-in tests: this module cannot depend on loader-cuda.)
 */
@Tag("standin")
@ExtendWith(StandinCheck.class)
class KernelStandinTest {
  // one sample, 1 x 2 pixels, 3 channels (NHWC)
  private static final byte[] PIXELS = {10, 20, 30, 40, 50, 60};
  private static final float[] SCALE_BIAS = {0.5f, 1f, 2f, 1f, 0f, -1f};

  @Test
  void normalizeF32_smallBatch_isFmaIntoPlanes() {
    try (Driver d = new Driver(0); Kernels k = new Kernels(Kernels.NORMALIZE)) {
      CUdeviceptr out = k.alloc(6 * 4);
      int rc = launch(k.function("stoker_normalize_f32"), 1, 32, 0, Pointer.to(k.bytes(PIXELS)), Pointer.to(out),
          Pointer.to(new CUdeviceptr()), Pointer.to(k.floats(SCALE_BIAS)), ints(1), ints(1), ints(2), ints(3));

      assertThat(rc).isZero();
      assertThat(readFloats(out, 6)).containsExactly(6f, 21f, 20f, 50f, 59f, 119f);
    }
  }

  @Test
  void normalizeF32_flippedSample_readsColumnsMirrored() {
    try (Driver d = new Driver(0); Kernels k = new Kernels(Kernels.NORMALIZE)) {
      CUdeviceptr out = k.alloc(6 * 4);
      int rc = launch(k.function("stoker_normalize_f32"), 2, 1, 0, Pointer.to(k.bytes(PIXELS)), Pointer.to(out),
          Pointer.to(k.ints(1)), Pointer.to(k.floats(SCALE_BIAS)), ints(1), ints(1), ints(2), ints(3));

      assertThat(rc).isZero();
      assertThat(readFloats(out, 6)).containsExactly(21f, 6f, 50f, 20f, 119f, 59f);
    }
  }

  @Test
  void normalizeF16_everyByteValue_roundsToNearestEvenLikeFloatToFloat16() {
    try (Driver d = new Driver(0); Kernels k = new Kernels(Kernels.NORMALIZE)) {
      byte[] all = new byte[256];
      for (int i = 0; i < 256; i++) {
        all[i] = (byte) i;
      }
      float scale = 1f / 255f;
      float bias = -0.4567f;
      CUdeviceptr out = k.alloc(256 * 2);
      int rc = launch(k.function("stoker_normalize_f16"), 3, 64, 0, Pointer.to(k.bytes(all)), Pointer.to(out),
          Pointer.to(new CUdeviceptr()), Pointer.to(k.floats(scale, bias)), ints(1), ints(16), ints(16), ints(1));

      assertThat(rc).isZero();
      short[] half = readShorts(out, 256);
      for (int i = 0; i < 256; i++) {
        assertThat(half[i]).as("value %d", i).isEqualTo(Float.floatToFloat16(Math.fma((float) i, scale, bias)));
      }
    }
  }

  @Test
  void flipBoxes_flippedSample_mirrorsItsBoxesButNotPadding() {
    try (Driver d = new Driver(0); Kernels k = new Kernels(Kernels.NORMALIZE)) {
      CUdeviceptr boxes = k.floats(10, 1, 30, 2, 0, 0, 0, 0, 10, 1, 30, 2, 5, 5, 6, 6);
      int rc = launch(k.function("stoker_flip_boxes"), 1, 64, 0, Pointer.to(boxes), Pointer.to(k.ints(7, -1, 7, 8)),
          Pointer.to(k.ints(1, 0)), ints(2), ints(2), Pointer.to(new float[] {100f}));

      assertThat(rc).isZero();
      assertThat(readFloats(boxes, 16)).containsExactly(70, 1, 90, 2, 0, 0, 0, 0, 10, 1, 30, 2, 5, 5, 6, 6);
    }
  }

  @Test
  void pool_twoSamplesOnAGrid_isTheCellMeans() {
    try (Driver d = new Driver(0); Kernels k = new Kernels(Kernels.TRAINER)) {
      float[] pixels = new float[32];  // 2 samples x 1 channel x 4 x 4
      for (int i = 0; i < 32; i++) {
        pixels[i] = i;
      }
      CUdeviceptr feat = k.alloc(8 * 4);
      int rc = launch(k.function("stoker_pool"), 3, 256, 0, Pointer.to(k.floats(pixels)), Pointer.to(feat), ints(2),
          ints(1), ints(4), ints(4), ints(2));

      assertThat(rc).isZero();
      // cell (0,0) of sample 0 holds 0, 1, 4, 5
      assertThat(readFloats(feat, 8)).containsExactly(2.5f, 4.5f, 10.5f, 12.5f, 18.5f, 20.5f, 26.5f, 28.5f);
    }
  }

  @Test
  void softmaxGrad_oneSample_addsGradientLossAndHit() {
    try (Driver d = new Driver(0); Kernels k = new Kernels(Kernels.TRAINER)) {
      CUdeviceptr grad = k.floats(0, 0, 0, 0);
      CUdeviceptr stats = k.floats(0, 0);
      int f = 1;
      int classes = 2;
      int rc = launch(k.function("stoker_softmax_grad"), 1, 32, (f + 1 + classes) * 4, Pointer.to(k.floats(1f)),
          Pointer.to(k.floats(1, 0, 0, 0)), Pointer.to(k.ints(0)), ints(1), ints(f), ints(classes), Pointer.to(grad),
          Pointer.to(stats));

      assertThat(rc).isZero();
      double p0 = Math.E / (Math.E + 1);
      assertThat(readFloats(grad, 4)).containsExactly(new float[] {(float) (p0 - 1), (float) (p0 - 1),
          (float) (1 - p0), (float) (1 - p0)}, within(1e-6f));
      assertThat(readFloats(stats, 2)).containsExactly(new float[] {(float) Math.log(1 + Math.exp(-1)), 1f},
          within(1e-6f));
    }
  }

  @Test
  void sgd_step_subtractsTheScaledGradientAndClearsIt() {
    try (Driver d = new Driver(0); Kernels k = new Kernels(Kernels.TRAINER)) {
      CUdeviceptr weights = k.floats(1, 2, 3);
      CUdeviceptr grad = k.floats(0.5f, 1, -1);
      int rc = launch(k.function("stoker_sgd"), 1, 2, 0, Pointer.to(weights), Pointer.to(grad), ints(3),
          Pointer.to(new float[] {0.1f}));

      assertThat(rc).isZero();
      assertThat(readFloats(weights, 3)).containsExactly(Math.fma(-0.1f, 0.5f, 1f), Math.fma(-0.1f, 1f, 2f),
          Math.fma(-0.1f, -1f, 3f));
      assertThat(readFloats(grad, 3)).containsExactly(0f, 0f, 0f);
    }
  }

  @Test
  void spin_shortWait_runs() {
    try (Driver d = new Driver(0); Kernels k = new Kernels(Kernels.CHECKS)) {
      int rc = launch(k.function("stoker_spin"), 1, 32, 0, Pointer.to(new long[] {100_000L}));

      assertThat(rc).isZero();
    }
  }

  @Test
  void moduleGetFunction_kernelOfAnotherImage_isNotFound() {
    try (Driver d = new Driver(0); Kernels k = new Kernels(Kernels.CHECKS)) {
      int rc = cuModuleGetFunction(new CUfunction(), k.module, "stoker_sgd");

      assertThat(rc).isEqualTo(CUresult.CUDA_ERROR_NOT_FOUND);
      assertThat(cuModuleGetFunction(new CUfunction(), k.module, "stoker_spin")).as("negative control").isZero();
    }
  }

  private static Pointer ints(int v) {
    return Pointer.to(new int[] {v});
  }
}
