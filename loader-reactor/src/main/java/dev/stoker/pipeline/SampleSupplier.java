package dev.stoker.pipeline;

import reactor.core.publisher.Flux;

/**
 * A source whose samples are processed elsewhere (on data-server nodes) rather than on the
 * loader's own workers. A {@link Loader} built over a {@link dev.stoker.api.SampleSource} that
 * also implements this interface hands it its processing plan once, then asks it for each epoch's
 * samples instead of reading and decoding them; everything after (batching, the ring, failure
 * policy, resume) is the same as for local data.
 *
 * <p>Implementations must process sample {@code i} of epoch {@code e} exactly as a local loader
 * with the same plan would (randomness keyed by {@code (seed, e, i)}), so a run gives the same
 * bytes whichever way it went.
 */
public interface SampleSupplier {
  /** Receives the loader's plan; called once, when the loader is built, before any {@link #samples}. */
  void configure(SupplyPlan plan);

  /**
   * The processed samples of dataset indices {@code order[from..order.length)} of {@code epoch},
   * exactly one result per position and in position order. Demand is the number of samples the
   * loader can hold; an implementation must not produce beyond it. Every
   * {@link SuppliedSample.Ok} emitted is released by the loader once copied.
   */
  Flux<SuppliedSample> samples(int epoch, int[] order, int from);
}
