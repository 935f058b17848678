package dev.stoker.pipeline;

import java.util.List;
import reactor.core.publisher.Flux;

/**
 * A dataset whose samples are read, decoded and augmented somewhere else (on data-server nodes)
 * and arrive processed. It is not a {@link dev.stoker.api.SampleSource}: it reads no files, it
 * tells the loader what it needs to plan epochs and batches (size, boxes), takes the loader's
 * processing plan once, and streams each epoch's processed samples. Give it to
 * {@link LoaderBuilder#supplier} instead of a source; everything after (batching, the ring,
 * failure policy, resume) is the same as for local data.
 *
 * <pre>{@code
 * try (RemoteSource nodes = RemoteSource.connect(List.of(new InetSocketAddress("node1", 7311)), RemoteOptions.defaults());
 *      Loader loader = Loader.builder().supplier(nodes).transforms(Presets.imagenetTrain(224))
 *          .ring(BatchRings.direct(), 4).build()) {
 *   loader.run(1, batch -> train(batch));
 * }
 * }</pre>
 *
 * <p>Implementations must process sample {@code i} of epoch {@code e} exactly as a local loader
 * with the same plan would (randomness keyed by {@code (seed, e, i)}; a {@link SampleMaker} does
 * that), so a run gives the same bytes whichever way it went.
 */
public interface SampleSupplier {
  /**
   * The number of samples in the dataset.
   *
   * @return the number of samples, 0 or more
   */
  int size();

  /**
   * The class names, indexed by label.
   *
   * @return the class names, not null
   */
  List<String> classes();

  /**
   * Whether samples carry boxes (object detection).
   *
   * @return {@code true} for object detection
   */
  boolean hasBoxes();

  /**
   * The most boxes any one sample has, 0 without boxes.
   *
   * @return the largest box count, 0 or more
   */
  int maxBoxCount();

  /**
   * A human-readable description, e.g. where the samples come from.
   *
   * @return a one-line description
   */
  String description();

  /**
   * Receives the loader's plan; called once, when the loader is built, before any {@link #samples}.
   *
   * @param plan the transforms and the seed every sample is processed with, not null
   */
  void configure(SupplyPlan plan);

  /**
   * The processed samples of dataset indices {@code order[from..order.length)} of {@code epoch},
   * exactly one result per position and in position order. Demand is the number of samples the
   * loader can hold; an implementation must not produce beyond it. Every {@link ProcessedSample}
   * emitted is released by the loader once copied.
   *
   * @param epoch the epoch, which seeds each sample's random choices
   * @param order the epoch's dataset indices in delivery order
   * @param from the first position of {@code order} to supply, {@code 0..order.length}
   * @return the results, one per position, in order
   */
  Flux<SampleResult> samples(int epoch, int[] order, int from);
}
