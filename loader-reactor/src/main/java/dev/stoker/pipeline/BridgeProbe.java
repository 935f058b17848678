package dev.stoker.pipeline;

/**
 * What the {@link RingBridge} tells about its own work: each sample's (or failure's) arrival, its
 * copy into the ring and its demand after every top-up. Called under the bridge's monitor, so an
 * implementation's state needs no further guarding; it must not block or allocate.
 */
interface BridgeProbe {
  /** Tells nothing. */
  BridgeProbe NONE = new BridgeProbe() {
    @Override
    public void arrived() {}

    @Override
    public void collated(long nanos) {}

    @Override
    public void demand(long outstanding) {}
  };

  /**
   * A sample or a failure arrived (not an epoch's end marker), before anything is done with it.
   * Between a {@link #demand} above zero and this, the bridge had room and nothing to do: it waited
   * for its source.
   */
  void arrived();

  /** One sample was copied into its slot in {@code nanos}. */
  void collated(long nanos);

  /**
   * The demand after a top-up: {@code outstanding} elements requested and not yet received. Zero
   * means the ring had no room for more, so the producers stall until the consumer frees a slot.
   */
  void demand(long outstanding);
}
