/**
 * Decoding and CPU transforms: {@link dev.stoker.decode.ImageDecoders} picks the native
 * libjpeg-turbo/libpng decoder or ImageIO, {@link dev.stoker.image.TransformPlan} compiles
 * {@link dev.stoker.api.TransformSpec}s into one geometry per sample (a map from output pixels to
 * source pixels, plus the canvases that decide fill pixels) and per-pixel colour steps, and
 * {@link dev.stoker.image.SampleProcessor} runs a sample: header, region decode at the smallest
 * sufficient DCT scale, one resampling pass (separable when the map is axis-aligned or a quarter
 * turn, a bilinear warp for other rotations) into the output, colour steps on the output, an
 * optional float32 conversion; object-detection boxes move with the pixels.
 */
package dev.stoker.image;

