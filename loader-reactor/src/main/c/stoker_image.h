/*
 * stoker_image: JPEG and PNG decoding into a caller's RGB buffer, for Stoker's FFM binding.
 *
 * Every function is reentrant (no global state), reads the encoded image from memory, reports
 * failure by a status code plus a NUL-terminated message in the caller's err buffer, and never
 * longjmps out of the library: the setjmp points that libjpeg and libpng need live inside it.
 */
#ifndef STOKER_IMAGE_H
#define STOKER_IMAGE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever a signature or the info layout changes; the Java side checks it. */
#define STOKER_ABI_VERSION 4

/* Status codes. */
#define STOKER_OK 0
#define STOKER_E_ARG (-1)         /* a bad argument: a bug in the caller */
#define STOKER_E_FORMAT (-2)      /* neither JPEG nor PNG */
#define STOKER_E_CORRUPT (-3)     /* libjpeg or libpng failed on the data */
#define STOKER_E_NOMEM (-4)       /* malloc failed */
#define STOKER_E_LIMIT (-5)       /* over max_pixels, max_scans or max_memory */
#define STOKER_E_UNSUPPORTED (-6) /* a valid image we cannot turn into RGB */
#define STOKER_E_SPACE (-7)       /* stoker_encode_jpeg: the output buffer is too small */

#define STOKER_FORMAT_JPEG 1
#define STOKER_FORMAT_PNG 2

/* Layout of the info array filled by stoker_read_header. */
#define STOKER_INFO_WIDTH 0         /* columns after EXIF orientation */
#define STOKER_INFO_HEIGHT 1        /* rows after EXIF orientation */
#define STOKER_INFO_FORMAT 2        /* STOKER_FORMAT_* */
#define STOKER_INFO_ORIENTATION 3   /* EXIF orientation 1..8, 1 when absent */
#define STOKER_INFO_STORED_WIDTH 4  /* columns as stored in the file */
#define STOKER_INFO_STORED_HEIGHT 5 /* rows as stored in the file */
#define STOKER_INFO_COMPONENTS 6    /* color components in the file */
#define STOKER_INFO_LENGTH 8

/* Flags of stoker_decode. */
#define STOKER_DECODE_CHECK_ALL 1 /* JPEG: entropy-decode the rows below the region too */
#define STOKER_DECODE_PNG_LIBPNG 2 /* PNG: decode with libpng even where the fast reader could */
#define STOKER_DECODE_PNG_NO_FALLBACK 4 /* PNG, for tests: STOKER_E_UNSUPPORTED where the libdeflate
                                           reader declines the file (or is not built in) */
#define STOKER_DECODE_JPEG_LIBJPEG_ENTROPY 8 /* Huffman JPEG: libjpeg's Huffman decoder, not
                                                stoker_phuff.c's (progressive) or stoker_shuff.c's
                                                (single-scan sequential); tests compare */
#define STOKER_DECODE_JPEG_NO_FALLBACK 16 /* progressive or single-scan sequential Huffman JPEG, for
                                             tests: STOKER_E_UNSUPPORTED where stoker_phuff.c's or
                                             stoker_shuff.c's decoder declines the file (damaged
                                             data) instead of decoding it again with libjpeg's */

/*
 * Which reader decodes PNGs: "libdeflate" where the library was built with libdeflate (a reader of
 * its own for non-interlaced PNGs, libpng for the rest and for any file that reader declines) or
 * "libpng" (libpng and zlib for every PNG). A static string; the caller must not free it.
 */
const char *stoker_png_reader(void);

/* Returns STOKER_ABI_VERSION of the compiled library. */
int32_t stoker_abi_version(void);

/*
 * Reads the header of a JPEG or PNG (sniffed by its magic bytes) into info[STOKER_INFO_LENGTH].
 * Returns STOKER_OK or a negative status with a message in err.
 */
int32_t stoker_read_header(const uint8_t *data, int64_t len, int32_t *info, char *err,
                           int32_t err_cap);

/*
 * Decodes the region (x, y, w, h), given in oriented (displayed) coordinates, scaled by
 * 1/scale (scale 1, 2, 4 or 8; PNG only 1), as RGB uint8 into out: out_h rows of out_w pixels,
 * out_stride bytes apart, out_cap bytes in all. out_w and out_h must be round(w / scale) and
 * round(h / scale), halves rounded up. An image whose stored size exceeds max_pixels is refused
 * before any pixel memory is allocated.
 *
 * A JPEG with more than max_scans scans (a progressive file may have thousands of tiny ones, each
 * a pass over the whole image) fails with STOKER_E_LIMIT as soon as its scan max_scans + 1 starts;
 * one that needs more than max_memory bytes of libjpeg working memory (a progressive or
 * multi-scan JPEG keeps the coefficients of the whole image: about 2 bytes a pixel at 4:2:0,
 * 6 at 4:4:4, whatever the region) fails with STOKER_E_LIMIT before that memory is allocated.
 * max_scans <= 0 or max_memory <= 0: no limit.
 *
 * *warnings receives how many corrupt-data warnings libjpeg raised (the first one's text is in
 * err); the pixels are written all the same. A JPEG region decode stops after the region's last
 * row, so corruption below it raises no warning, unless flags has STOKER_DECODE_CHECK_ALL: then
 * the rest of the scan is entropy-decoded (not transformed) to the end of the image. Likewise for a
 * progressive or multi-scan JPEG, whose scans are all read before the first row: without
 * STOKER_DECODE_CHECK_ALL each scan's data below the region's rows is skipped (the region's pixels
 * stay those of a full decode); with it every scan is read to its end.
 */
int32_t stoker_decode(const uint8_t *data, int64_t len, int32_t x, int32_t y, int32_t w,
                      int32_t h, int32_t scale, uint8_t *out, int64_t out_stride, int64_t out_cap,
                      int32_t out_w, int32_t out_h, int64_t max_pixels, int32_t max_scans,
                      int64_t max_memory, int32_t flags, int32_t *warnings, char *err,
                      int32_t err_cap);

/*
 * stoker_encode.c: the most bytes stoker_encode_jpeg can write for a w x h image (libjpeg-turbo's
 * own 4:2:0 worst case), or -1 for a size that is not positive.
 */
int64_t stoker_encode_jpeg_bound(int32_t w, int32_t h);

/*
 * Encodes h rows of w packed RGB uint8 pixels (stride bytes apart) as a baseline JPEG at quality
 * 1..100, 4:2:0 chroma, optimized Huffman tables, into out (out_cap bytes). *out_len receives the
 * JPEG's size. Returns STOKER_OK; STOKER_E_SPACE when out is too small (nothing usable in out,
 * *out_len the size needed: call again with that much); STOKER_E_ARG for bad arguments. A
 * buffer of stoker_encode_jpeg_bound(w, h) bytes always suffices. Added after ABI version 4
 * without a change to the existing functions: callers look the symbol up and fall back where
 * it is absent.
 */
int32_t stoker_encode_jpeg(const uint8_t *rgb, int32_t w, int32_t h, int64_t stride,
                           int32_t quality, uint8_t *out, int64_t out_cap, int64_t *out_len,
                           char *err, int32_t err_cap);

#ifdef __cplusplus
}
#endif

#endif /* STOKER_IMAGE_H */
