package dev.stoker.api;

import java.util.Locale;

/**
 * The stages of a loader's path that are timed, in the order a sample meets them. Each is a
 * Micrometer timer {@code stoker.stage} tagged {@code stage=}{@link #tag()}.
 *
 * <ul>
 *   <li>{@link #LIST}: opening the source (listing files, parsing annotations), once per source.
 *   <li>{@link #READ}: reading one sample's encoded bytes.
 *   <li>{@link #DECODE}: reading the image header and decoding the region the output needs.
 *   <li>{@link #AUGMENT}: everything else that makes the output sample: geometry, resampling,
 *       photometric steps, normalization.
 *   <li>{@link #SOURCE_WAIT}: for samples supplied processed (remote nodes under {@code --remote}),
 *       the wait for the next one: from the moment the loader has asked for it and has room, until
 *       it arrives (the nodes' work and the wire, as the client sees them). Never timed for a
 *       local source, whose wait for a sample is its own read, decode and augment stages.
 *   <li>{@link #COLLATE}: copying one sample (pixels, label, boxes) into its ring slot.
 *   <li>{@link #RING_WAIT}: one stall of the producers: the ring was full and nothing was asked of
 *       them until the consumer released a slot.
 *   <li>{@link #CONSUMER}: the consumer's work on one batch.
 * </ul>
 */
public enum Stage {
  /** Opening the source (listing files, parsing annotations), once per source. */
  LIST,
  /** Reading one sample's encoded bytes. */
  READ,
  /** Reading the image header and decoding the region the output needs. */
  DECODE,
  /** Making the output sample: geometry, resampling, photometric steps, normalization. */
  AUGMENT,
  /** Waiting for the next sample supplied processed (remote nodes); never timed locally. */
  SOURCE_WAIT,
  /** Copying one sample (pixels, label, boxes) into its ring slot. */
  COLLATE,
  /** One stall of the producers while the ring was full. */
  RING_WAIT,
  /** The consumer's work on one batch. */
  CONSUMER;

  /**
   * The tag value and the name people read: the constant's name in lower case, e.g. {@code
   * ring_wait}.
   *
   * @return the lower-case name, e.g. {@code "ring_wait"}
   */
  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
