/*
 * What stoker_image.c (JPEG, the API and its dispatch) and stoker_png.c (PNG) share; not part of
 * the library's interface (every symbol is hidden by -fvisibility=hidden).
 */
#ifndef STOKER_INTERNAL_H
#define STOKER_INTERNAL_H

#include <setjmp.h>
#include <stdarg.h>
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
