/**
 * Stoker's reference trainer: a small softmax-regression model, on the GPU with Stoker's own
 * kernels ({@code trainer.cu}) and on the host with their Java twins, that proves images and labels
 * arrive intact and aligned. It is the example consumer of a {@link dev.stoker.cuda.DeviceFeed}
 * (the CLI's {@code demo} runs it), not part of the loader.
 *
 * <pre>{@code
 * try (ReferenceTrainer trainer = new ReferenceTrainer(classes, 3, ReferenceTrainer.DEFAULT_LEARNING_RATE)) {
 *   feed.call(() -> loader.run(3, feed.consumer(trainer, trainer)));
 *   TrainingReport report = feed.call(trainer::report);
 * }
 * }</pre>
 */
package dev.stoker.cuda.trainer;
