/**
 * The loader: a backpressured Reactor pipeline from a {@link dev.stoker.api.SampleSource} through
 * parallel decode and augmentation into a {@link dev.stoker.api.BatchRing}, and the in-memory
 * caches of a source's samples ({@link dev.stoker.pipeline.SampleCaches}). The sources that read a
 * dataset format from files (ImageFolder, COCO, VOC, manifests) are in {@link dev.stoker.dataset};
 * this package knows a source only as a {@link dev.stoker.api.SampleSource}.
 *
 * <pre>
 * permutation(seed, epoch) ─► read (virtual threads) ─► decode + augment (N workers, in order)
 *   ─► RingBridge: copy into the next position of the open slot; publish when full
 *   ─► BatchRing ─► consumer thread
 * </pre>
 *
 * <p>Demand flows the other way: the bridge requests exactly as many samples as there are free
 * sample positions in the ring, so a slow consumer slows every stage instead of growing a queue.
 *
 * <p>Where processed samples come from is one seam, chosen by the builder: a
 * {@link dev.stoker.api.SampleSource} given to {@code source(...)} is read and decoded on the
 * loader's decode workers; a {@link dev.stoker.pipeline.SampleSupplier} given to
 * {@code supplier(...)} (data-server nodes) delivers {@link dev.stoker.pipeline.ProcessedSample}s
 * made elsewhere, by a {@link dev.stoker.pipeline.SampleMaker} over the same decode stage. From the
 * bridge on, both paths are the same; each published batch carries where resume continues after
 * it ({@link dev.stoker.api.Batch#nextPosition()}).
 *
 * <p>Boxes: for a detection source, each sample's boxes are copied from the source into its pooled
 * buffer, move with the image in the decode stage (the image package drops the ones the crop loses
 * and clips the rest), and the bridge writes the first {@code maxBoxes} of them, with their labels,
 * next to the sample's pixels in the slot; the rest are counted in
 * {@link dev.stoker.api.RunSummary#truncatedBoxes()}. No step allocates per box.
 *
 * <p>Metrics: each stage ({@link dev.stoker.api.Stage}) is a Micrometer timer in
 * {@link dev.stoker.pipeline.Loader#meterRegistry()}, and
 * {@link dev.stoker.pipeline.Loader#stageReport()} turns a run's timings into a per-stage table and
 * a one-sentence verdict on the stage that limited it (the rules: {@code BottleneckRules}). For
 * samples from a {@link dev.stoker.pipeline.SampleSupplier}, the bridge's wait for each one, with
 * room in the ring, is timed too ({@link dev.stoker.api.Stage#SOURCE_WAIT}): the only view of the
 * nodes and the wire the loader has, and what a source-bound verdict rests on.
 */
package dev.stoker.pipeline;
