/*
 * What stoker_image.c (JPEG, the API and its dispatch) and stoker_png.c (PNG) share; not part of
 * the library's interface (every symbol is hidden by -fvisibility=hidden).
 */
#ifndef STOKER_INTERNAL_H
#define STOKER_INTERNAL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "stoker_image.h"

#define API __attribute__((visibility("default")))

/* Every flag stoker_decode accepts. */
#define STOKER_DECODE_FLAGS \
  (STOKER_DECODE_CHECK_ALL | STOKER_DECODE_PNG_LIBPNG | STOKER_DECODE_PNG_NO_FALLBACK | \
   STOKER_DECODE_JPEG_LIBJPEG_ENTROPY | STOKER_DECODE_JPEG_NO_FALLBACK)

/* One decode call: the region in oriented coordinates and where its pixels go. */
typedef struct {
  int32_t x, y, w, h, scale;
  uint8_t *out;
  int64_t stride, cap;
  int32_t out_w, out_h;
  int64_t max_pixels;
  int32_t max_scans;
  int64_t max_memory;
  int32_t flags;
  int32_t warnings;
  char *err;
  int32_t err_cap;
} request;

__attribute__((format(printf, 3, 4), unused))
static void set_err(char *err, int32_t cap, const char *fmt, ...) {
  if (err == NULL || cap <= 0) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, (size_t) cap, fmt, ap);
  va_end(ap);
}

__attribute__((unused))
static int32_t too_many_pixels(int64_t w, int64_t h, int64_t max, char *err, int32_t cap) {
  set_err(err, cap, "image of %lldx%lld pixels exceeds the limit of %lld pixels", (long long) w,
          (long long) h, (long long) max);
  return STOKER_E_LIMIT;
}

/* stoker_pixels.c: EXIF orientation and the colour conversions of decoded rows. */
/* The Orientation tag (0x0112) of IFD0 in an APP1 "Exif" payload of n bytes; 1 when absent or
 * malformed. */
int stoker_exif_orientation(const uint8_t *p, size_t n);
/* Whether orientation o (5..8) swaps width and height. */
int stoker_transposes(int o);
/* Maps the request's region of the displayed image to the stored image of size sw x sh: r is
 * x, y, w, h. */
void stoker_unorient(int o, int32_t sw, int32_t sh, const request *q, int32_t r[4]);
/* Copies a stored-orientation RGB image (sw x sh, row stride ss) into dst (dw x dh, stride ds),
 * displayed as orientation o; src must have one readable byte past its last pixel. */
void stoker_orient_copy(const uint8_t *src, ptrdiff_t ss, int32_t sw, int32_t sh, int o,
                        uint8_t *dst, ptrdiff_t ds, int32_t dw, int32_t dh);
/* n CMYK pixels (Adobe's inverted convention when inverted) to n RGB pixels. */
void stoker_cmyk_to_rgb(const uint8_t *restrict s, uint8_t *restrict d, int32_t n, int inverted);
/* n pixels of four CMYK planes to RGB, each plane value XORed with flip first (0 or 255). */
void stoker_cmyk_planes_to_rgb(const uint8_t *restrict c, const uint8_t *restrict m,
                               const uint8_t *restrict y, const uint8_t *restrict k,
                               uint8_t *restrict d, uint32_t n, uint32_t flip);
/* n gray values to n RGB pixels. */
void stoker_gray_to_rgb(const uint8_t *restrict s, uint8_t *restrict d, int32_t n);

/* stoker_png.c: the PNG counterparts of stoker_image.c's jpeg_header and jpeg_decode. */
int32_t stoker_png_header(const uint8_t *data, int64_t len, int32_t *info, char *err, int32_t cap);
int32_t stoker_png_decode(const uint8_t *data, int64_t len, request *q);

struct jpeg_decompress_struct;

/* stoker_image.c: the last iMCU row of the current scan that a region ending at iMCU row
 * keep_rows - 1 needs (the scan cut of a multi-scan file). */
int32_t stoker_last_row_needed(struct jpeg_decompress_struct *cinfo, int32_t keep_rows);

/* What stoker_image.c and stoker_phuff.c's progressive Huffman decoder share for one decode. */
typedef struct {
  jmp_buf *jump;        /* where the decoder longjmps when it gives up (the decode's own) */
  const char *why;      /* set before that longjmp: what the decoder declined */
  int32_t keep_rows;    /* > 0: cut each scan below stoker_last_row_needed (a region decode) */
  int32_t skipped_scan; /* the scan the cut ended early last; 0: none */
} stoker_phuff_link;

/* stoker_phuff.c: puts the fast progressive Huffman decoder in libjpeg's place; call at the first
 * progress-monitor call inside jpeg_start_decompress. Returns 0, changing nothing, for a file it
 * does not decode (not progressive Huffman) or at any other point. */
int stoker_phuff_install(struct jpeg_decompress_struct *cinfo, stoker_phuff_link *link);

/* stoker_shuff.c: puts the fast sequential Huffman decoder in libjpeg's place; call after
 * jpeg_start_decompress, before any row is read or skipped. Returns 0, changing nothing, for a file
 * it does not decode (not a single-scan 8-bit Huffman file). */
int stoker_shuff_install(struct jpeg_decompress_struct *cinfo, stoker_phuff_link *link);

#endif /* STOKER_INTERNAL_H */
