/**
 * Decoding and CPU transforms: {@link dev.stoker.image.ImageDecoders} picks the native
 * libjpeg-turbo/libpng decoder or ImageIO, {@link dev.stoker.image.TransformPlan} compiles
 * {@link dev.stoker.api.TransformSpec}s into one geometry per sample plus per-pixel colour steps,
 * and {@link dev.stoker.image.SampleProcessor} runs a sample: header, region decode at the
 * smallest sufficient DCT scale, one resampling pass into the output, colour steps on the output.
 */
package dev.stoker.image;
