/**
 * The vocabulary of Stoker: what a sample, an image, a transform, a batch and a ring are.
 *
 * <p>This package depends on the JDK alone. The pipeline ({@code loader-reactor}), the batch ring
 * ({@code loader-cuda}) and the data-server ({@code loader-remote}) all speak in these types, so a
 * trainer that embeds only the ring never sees Reactor or Netty.
 *
 * <pre>
 * SampleSource (+ boxes) ─► ImageDecoder ─► TransformSpec plan
 *   ─► BatchRing (slots of BatchLayout: pixels, boxes) ─► BatchConsumer
 * </pre>
 */
package dev.stoker.api;
