package dev.stoker.pipeline;

/**
 * What a {@link SampleWorker} made of one sample besides its pixels.
 *
 * @param index the dataset index
 * @param label its label
 * @param boxCount the boxes the transforms kept
 * @param boxes {@code 4 * boxCount} floats
 * @param boxLabels {@code boxCount} labels
 */
public record WorkedSample(int index, int label, int boxCount, float[] boxes, int[] boxLabels) {}
