package dev.stoker.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.RunSummary;
import dev.stoker.api.SampleFailure;
import dev.stoker.api.SampleSource;
import dev.stoker.dataset.ImageFolderSource;
import dev.stoker.pipeline.Loader;
import dev.stoker.pipeline.LoaderBuilder;
import dev.stoker.pipeline.ProcessedSample;
import dev.stoker.pipeline.SampleMaker;
import dev.stoker.pipeline.SampleResult;
import dev.stoker.pipeline.SampleSupplier;
import dev.stoker.pipeline.SupplyPlan;
import dev.stoker.testkit.BatchDigests;
import dev.stoker.testkit.GradientImageFolder;
import dev.stoker.testkit.SmallLoaders;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * The seam remote nodes plug into: a {@link SampleSupplier} of processed samples (here made by a
 * {@link SampleMaker} on other threads, as a node does) gives a loader the same batches, byte for
 * byte, as the loader's own decoding, and its failures count like local ones.
 */
class SampleSupplierTest {
  private static final int IMAGES = 23;

  @TempDir
  static Path root;

  @BeforeAll
  static void makeImages() {
    GradientImageFolder.of(IMAGES).size(70, 50, 3, 2).withBroken().writeTo(root);
  }

  /** A supplier that processes its samples "remotely": by a maker built from the plan it is given. */
  static final class MakerBackedSupplier implements SampleSupplier {
    private final SampleSource local = ImageFolderSource.open(root);
    private SampleMaker maker;
    final AtomicInteger released = new AtomicInteger();
    final AtomicInteger supplied = new AtomicInteger();

    @Override
    public void configure(SupplyPlan plan) {
      maker = Loader.builder().source(local).transforms(plan.transforms()).seed(plan.seed()).buildMaker();
    }

    @Override
    public Flux<SampleResult> samples(int epoch, int[] order, int from) {
      Arena arena = Arena.ofShared();
      return Flux.range(from, order.length - from)
          .publishOn(Schedulers.boundedElastic(), 4)
          .map(k -> {
            int index = order[k];
            MemorySegment pixels = arena.allocate(maker.sampleBytes());
            try {
              ProcessedSample s = maker.process(epoch, index, pixels);
              supplied.incrementAndGet();
              return (SampleResult) new ProcessedSample(epoch, index, s.label(), pixels, s.boxes(), s.boxLabels(),
                  s.boxCount(), released::incrementAndGet);
            } catch (Exception e) {
              return new SampleResult.Failed(new SampleFailure(epoch, index, maker.sourceName(index), e));
            }
          });
    }

    @Override
    public String description() {
      return "maker-backed " + local.description();
    }

    @Override
    public int size() {
      return local.size();
    }

    @Override
    public List<String> classes() {
      return local.classes();
    }

    @Override
    public boolean hasBoxes() {
      return local.hasBoxes();
    }

    @Override
    public int maxBoxCount() {
      return local.maxBoxCount();
    }
  }

  private static LoaderBuilder settings() {
    return SmallLoaders.train(32, 4, 9);
  }


  @Test
  void run_supplierBackedSource_sameBatchesAsLocalDecodingAndTheSameFailures() {
    List<String> local = new ArrayList<>();
    RunSummary localSummary;
    try (Loader loader = settings().source(ImageFolderSource.open(root)).build()) {
      localSummary = loader.run(2, batch -> local.add(BatchDigests.of(batch)));
    }
    MakerBackedSupplier remote = new MakerBackedSupplier();
    List<String> supplied = new ArrayList<>();
    RunSummary remoteSummary;
    try (Loader loader = settings().supplier(remote).build()) {
      remoteSummary = loader.run(2, batch -> supplied.add(BatchDigests.of(batch)));
    }

    assertThat(supplied).isEqualTo(local);
    assertThat(remoteSummary.delivered()).isEqualTo(localSummary.delivered()).isEqualTo(2L * IMAGES);
    assertThat(remoteSummary.failed()).isEqualTo(2);
    assertThat(remoteSummary.failures()).extracting(SampleFailure::source).allMatch(n -> n.contains("broken.jpg"));
    assertThat(remote.released.get()).isEqualTo(remote.supplied.get()).isEqualTo(2 * IMAGES);
  }
}
