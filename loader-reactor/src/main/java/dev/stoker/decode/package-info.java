/**
 * Choosing an image decoder: {@link dev.stoker.decode.ImageDecoders} returns the native
 * libjpeg-turbo/libpng decoder bundled with Stoker when it loads, else JDK ImageIO, with a pixel
 * limit and a strict or lenient policy for corrupt data. The decoders themselves live in the
 * implementation package {@code dev.stoker.image}, which is not exported.
 *
 * <pre>{@code
 * Loader loader = Loader.builder()
 *     .source(ImageFolderSource.open(Path.of("train")))
 *     .decoder(ImageDecoders.best(ImageDecoders.DEFAULT_MAX_PIXELS, true))   // lenient
 *     .ring(BatchRings.direct(), 4)
 *     .build();
 * }</pre>
 */
package dev.stoker.decode;
