package dev.stoker.advice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The GPU memory estimate: its formula, the activation scaling, the largest batch that fits, the names. */
class ModelMemoryTest {
  @Test
  void estimate_resnet50AtBatch64_isTheFormulaTermByTerm() {
    ModelMemory m = ModelMemory.estimate(ModelFamily.RESNET50, 64, 224, 224, ModelMemory.Optimizer.SGD_MOMENTUM,
        false);

    long p = ModelFamily.RESNET50.parameters();
    assertThat(m.weightBytes()).isEqualTo(4 * p);
    assertThat(m.gradientBytes()).isEqualTo(4 * p);
    assertThat(m.optimizerBytes()).isEqualTo(4 * p);
    assertThat(m.activationBytes()).isEqualTo(64 * 100_000_000L);
    assertThat(m.inputBytes()).isEqualTo(64L * 3 * 224 * 224 * 4);
    long rest = 12 * p + 64 * 100_000_000L + 64L * 3 * 224 * 224 * 4;
    assertThat(m.overheadBytes()).isEqualTo((1L << 30) + Math.round(rest * 0.10));
    assertThat(m.totalBytes()).isEqualTo(rest + m.overheadBytes());
  }

  @Test
  void estimate_adamAndMixedPrecision_doubleTheStateAndHalveTheActivations() {
    ModelMemory sgd = ModelMemory.estimate(ModelFamily.RESNET18, 32, 224, 224, ModelMemory.Optimizer.SGD_MOMENTUM,
        false);
    ModelMemory adam = ModelMemory.estimate(ModelFamily.RESNET18, 32, 224, 224, ModelMemory.Optimizer.ADAM, true);

    assertThat(adam.optimizerBytes()).isEqualTo(2 * sgd.optimizerBytes());
    assertThat(adam.activationBytes()).isEqualTo(sgd.activationBytes() / 2);
  }

  @Test
  void activationBytes_twiceTheSide_fourTimesTheBytes() {
    assertThat(ModelFamily.YOLOV5S.activationBytes(640, 640)).isEqualTo(200_000_000L);
    assertThat(ModelFamily.YOLOV5S.activationBytes(320, 320)).isEqualTo(50_000_000L);
    assertThat(ModelFamily.FASTERRCNN_RESNET50_FPN.activationBytes(1333, 800)).isEqualTo(1_200_000_000L);
  }

  @Test
  void largestBatch_isTheLastThatFits() {
    long gpu = ModelMemory.estimate(ModelFamily.RESNET50, 37, 224, 224, ModelMemory.Optimizer.ADAM, false).totalBytes();

    assertThat(ModelMemory.largestBatch(ModelFamily.RESNET50, 256, 224, 224, ModelMemory.Optimizer.ADAM, false, gpu))
        .isEqualTo(37);
    assertThat(ModelMemory.largestBatch(ModelFamily.RESNET50, 20, 224, 224, ModelMemory.Optimizer.ADAM, false, gpu))
        .isEqualTo(20);
    assertThat(ModelMemory.largestBatch(ModelFamily.RESNET50, 256, 224, 224, ModelMemory.Optimizer.ADAM, false, 1))
        .isZero();
  }

  @Test
  void byName_anyCaseAndDashes_findsTheFamily() {
    assertThat(ModelFamily.byName("SSDlite320-MobileNet-V3")).isEqualTo(ModelFamily.SSDLITE320_MOBILENET_V3);
    assertThat(ModelFamily.byName("resnet50")).isEqualTo(ModelFamily.RESNET50);
  }

  @Test
  void byName_unknown_listsTheNames() {
    assertThatThrownBy(() -> ModelFamily.byName("resnet51"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown model 'resnet51'")
        .hasMessageContaining("resnet18, resnet50, mobilenet_v3_large")
        .hasMessageContaining("yolov5s");
  }

  @Test
  void describe_namesTheTotalAndItsParts() {
    String line = ModelMemory.estimate(ModelFamily.RESNET50, 64, 224, 224, ModelMemory.Optimizer.SGD_MOMENTUM, false)
        .describe();

    assertThat(line).startsWith("resnet50 at batch 64, 224x224, sgd, fp32: ").contains("activations 5.96");
  }
}
