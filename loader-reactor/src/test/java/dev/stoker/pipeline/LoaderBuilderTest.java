package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stoker.api.BatchLayout;
import dev.stoker.api.LastBatchPolicy;
import dev.stoker.api.MemoryLimitException;
import dev.stoker.api.TransformSpec;
import dev.stoker.api.TransformSpec.CenterCrop;
import dev.stoker.api.TransformSpec.HorizontalFlip;
import dev.stoker.api.TransformSpec.RandomResizedCrop;
import dev.stoker.api.TransformSpec.Resize;
import dev.stoker.api.TransformSpec.ResizeShorter;
import dev.stoker.image.TransformPlan;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Builder validation names the bad argument; presets are the documented transform lists. */
class LoaderBuilderTest {

  @Test
  void build_withoutSource_failsSayingSourceIsRequired() {
    assertThatThrownBy(() -> Loader.builder().ring(new RecordingRing.Factory(), 2).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("source");
  }

  @Test
  void build_sourceAndSupplier_failsSayingOnlyOneOfThem() {
    SampleSupplier supplier = new SampleSupplier() {
      @Override
      public int size() {
        return 4;
      }

      @Override
      public java.util.List<String> classes() {
        return java.util.List.of();
      }

      @Override
      public boolean hasBoxes() {
        return false;
      }

      @Override
      public int maxBoxCount() {
        return 0;
      }

      @Override
      public String description() {
        return "nowhere";
      }

      @Override
      public void configure(SupplyPlan plan) {
        throw new AssertionError("a loader that fails to build configures nothing");
      }

      @Override
      public reactor.core.publisher.Flux<SampleResult> samples(int epoch, int[] order, int from) {
        throw new AssertionError("never asked");
      }
    };

    assertThatThrownBy(() -> Loader.builder().source(new FakeSamples.Source(4)).supplier(supplier)
        .ring(new RecordingRing.Factory(), 2).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("either source(...) or supplier(...)");
  }

  @Test
  void build_withoutRing_failsSayingRingIsRequired() {
    assertThatThrownBy(() -> Loader.builder().source(new FakeSamples.Source(4)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ring");
  }

  @Test
  void ring_slotsNotAPowerOfTwo_failsNamingSlots() {
    LoaderBuilder builder = Loader.builder();

    assertThatThrownBy(() -> builder.ring(new RecordingRing.Factory(), 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("slots");
    assertThatThrownBy(() -> builder.ring(new RecordingRing.Factory(), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("slots");
  }

  @Test
  void setters_invalidNumbers_failNamingTheParameter() {
    LoaderBuilder builder = Loader.builder();

    assertThatThrownBy(() -> builder.batchSize(0)).hasMessageStartingWith("batchSize");
    assertThatThrownBy(() -> builder.threads(-1)).hasMessageStartingWith("threads");
    assertThatThrownBy(() -> builder.inFlight(0)).hasMessageStartingWith("inFlight");
    assertThatThrownBy(() -> builder.source(null)).hasMessageStartingWith("source");
  }

  @Test
  void build_transformsWithoutFixedSize_failsNamingSpecsAndAllocatesNoRing() {
    RecordingRing.Factory rings = new RecordingRing.Factory();

    assertThatThrownBy(() -> Loader.builder()
        .source(new FakeSamples.Source(4))
        .ring(rings, 2)
        .transforms(List.of(new ResizeShorter(64)))
        .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("specs");
    assertThat(rings.ring).isNull();
  }

  @Test
  void build_valid_ringHasThePlansLayoutAndTheRequestedSlots() {
    RecordingRing.Factory rings = new RecordingRing.Factory();

    try (Loader loader = Loader.builder()
        .source(new FakeSamples.Source(4))
        .transforms(List.of(new RandomResizedCrop(40, 30, 0.5, 1, 1, 2)))
        .batchSize(16)
        .ring(rings, 8)
        .build()) {
      assertThat(loader.layout()).isEqualTo(new BatchLayout(16, 30, 40, 3));
      assertThat(rings.ring.slots()).isEqualTo(8);
      assertThat(loader.sourceDescription()).isEqualTo("fake (4 samples)");
    }
  }

  @Test
  void build_moreRanksThanSamples_failsNamingWorldSizeAndAllocatesNothing() {
    RecordingRing.Factory rings = new RecordingRing.Factory();
    LoaderBuilder builder = Loader.builder().source(new FakeSamples.Source(60)).batchSize(8).ring(rings, 2);

    for (int rank : new int[] {99, 0}) {
      assertThatThrownBy(() -> builder.shard(rank, 100).build())
          .as("rank %d: the ranks past the 60th would get nothing, so every rank refuses", rank)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("worldSize: 100 ranks share 60 samples")
          .hasMessageContaining("ranks 60 to 99 would get no sample");
    }
    assertThat(rings.ring).as("refused before the ring is allocated").isNull();
  }

  @Test
  void build_dropWithABatchLargerThanTheDataset_failsNamingBatchSizeAndLastBatch() {
    RecordingRing.Factory rings = new RecordingRing.Factory();

    assertThatThrownBy(() -> Loader.builder().source(new FakeSamples.Source(60)).batchSize(100)
        .lastBatch(LastBatchPolicy.DROP).ring(rings, 2).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batchSize: 100 with lastBatch DROP leaves every epoch empty: the 60 samples do not make one "
            + "full batch; use a batchSize of at most 60, or lastBatch PARTIAL or FILL");
    assertThatThrownBy(() -> Loader.builder().source(new FakeSamples.Source(60)).batchSize(20).shard(1, 4)
        .lastBatch(LastBatchPolicy.DROP).ring(rings, 2).build())
        .as("20 per rank on 4 ranks needs 80")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batchSize: 20 with lastBatch DROP on worldSize 4 ranks leaves every epoch empty: the 60 samples "
            + "do not make one full batch per rank (80 samples); use a batchSize of at most 15, or lastBatch PARTIAL "
            + "or FILL");
    assertThat(rings.ring).isNull();
  }

  @Test
  void build_justEnoughWork_builds() {
    // negative controls beside the refusals: one sample per rank, one full batch per rank
    try (Loader partial = Loader.builder().source(new FakeSamples.Source(60)).shard(59, 60)
        .ring(new RecordingRing.Factory(), 2).build();
        Loader drop = Loader.builder().source(new FakeSamples.Source(60)).batchSize(30).shard(1, 2)
            .lastBatch(LastBatchPolicy.DROP).ring(new RecordingRing.Factory(), 2).build();
        Loader fill = Loader.builder().source(new FakeSamples.Source(60)).batchSize(100)
            .lastBatch(LastBatchPolicy.FILL).ring(new RecordingRing.Factory(), 2).build()) {
      assertThat(partial.samplesPerEpoch()).isEqualTo(1);
      assertThat(drop.samplesPerEpoch()).isEqualTo(30);
      assertThat(fill.samplesPerEpoch()).isEqualTo(100);
    }
  }

  /** 16 x 32x32x3 uint8: slots of 49,152 bytes, samples of 3,072; 2 threads, so 4 * 2 + 2 sample buffers. */
  private static LoaderBuilder smallBatches(RecordingRing.Factory rings) {
    return Loader.builder().source(new FakeSamples.Source(60)).transforms(List.of(new Resize(32, 32))).batchSize(16)
        .threads(2).ring(rings, 4);
  }

  @Test
  void build_ringAndSampleBuffersOverTheOffHeapLimit_refusesNamingTheBytesAndAllocatesNothing() {
    RecordingRing.Factory rings = new RecordingRing.Factory();

    assertThatThrownBy(() -> smallBatches(rings).maxOffHeapBytes(200_000).build())
        .isInstanceOf(MemoryLimitException.class)
        .hasMessageStartingWith("maxOffHeapBytes: ")
        .hasMessageContaining("4 ring slots of 16x32x32x3 uint8, 49,152 bytes each")
        .hasMessageContaining("10 sample buffers of 3,072 bytes")
        .hasMessageContaining("227,328 bytes")
        .hasMessageContaining("more than the 200,000");
    assertThat(rings.ring).as("refused before the ring is allocated").isNull();
  }

  @Test
  void build_exactlyAtTheOffHeapLimit_builds() {
    RecordingRing.Factory rings = new RecordingRing.Factory();

    try (Loader loader = smallBatches(rings).maxOffHeapBytes(227_328).build()) {
      assertThat(rings.ring).isNotNull();
      assertThat(loader.layout()).isEqualTo(new BatchLayout(16, 32, 32, 3));
    }
  }

  @Test
  void build_defaultLimit_refusesARingLargerThanTheMachine() {
    long machine = OffHeapLimit.machine();
    assertThat(machine).isPositive();
    RecordingRing.Factory rings = new RecordingRing.Factory();
    // 4 slots of 256 x 4096x4096x3: 51.5 GB; the check is the same whatever the machine, the limit is not
    long ring = 4L * 256 * 4096 * 4096 * 3;
    assumeTrue(ring > machine, "this machine has more than " + ring + " bytes to give");

    assertThatThrownBy(() -> Loader.builder().source(new FakeSamples.Source(600))
        .transforms(List.of(new Resize(4096, 4096))).batchSize(256).ring(rings, 4).build())
        .isInstanceOf(MemoryLimitException.class)
        .hasMessageContaining(String.format("%,d bytes", machine));
    assertThat(rings.ring).isNull();
  }

  @Test
  void maxOffHeapBytes_notPositive_failsNamingIt() {
    assertThatThrownBy(() -> Loader.builder().maxOffHeapBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("maxOffHeapBytes");
  }

  @Test
  void presets_byName_returnTheDocumentedLists() {
    assertThat(Presets.byName("imagenet-train", 224))
        .containsExactly(new RandomResizedCrop(224), new HorizontalFlip(0.5));
    assertThat(Presets.byName("ImageNet-Eval", 224))
        .containsExactly(new ResizeShorter(256), new CenterCrop(224, 224));
    assertThat(Presets.byName("decode-only", 64)).containsExactly(new Resize(64, 64));
  }

  @Test
  void presets_ssd300Train_isFlipIoUCropResize300WhateverTheSize() {
    List<TransformSpec> expected = List.of(new HorizontalFlip(0.5), new TransformSpec.RandomIoUCrop(), new Resize(300, 300));

    assertThat(Presets.ssd300Train()).isEqualTo(expected);
    assertThat(Presets.byName("ssd300-train", 224)).isEqualTo(expected);
    assertThat(Presets.ssdTrain(512)).endsWith(new Resize(512, 512));
    assertThat(Presets.NAMES).contains("ssd300-train");
  }

  @Test
  void maxBoxes_negative_failsNamingMaxBoxes() {
    assertThatThrownBy(() -> Loader.builder().maxBoxes(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("maxBoxes");
  }

  @Test
  void presets_everyPreset_compilesToASquareOfTheGivenSize() {
    for (String name : List.of("imagenet-train", "imagenet-eval", "decode-only")) {
      List<TransformSpec> specs = Presets.byName(name, 96);
      TransformPlan plan = TransformPlan.compile(specs);

      assertThat(plan.outputWidth()).as(name).isEqualTo(96);
      assertThat(plan.outputHeight()).as(name).isEqualTo(96);
    }
  }

  @Test
  void presets_unknownName_failsListingTheKnownOnes() {
    assertThatThrownBy(() -> Presets.byName("imagenet-test", 224))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("preset")
        .hasMessageContaining("imagenet-test")
        .hasMessageContaining("imagenet-train")
        .hasMessageContaining("ssd300-train");
  }
}
