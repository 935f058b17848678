/*
 * What stoker_image.c (JPEG, the API and its dispatch) and stoker_png.c (PNG) share; not part of
 * the library's interface (every symbol is hidden by -fvisibility=hidden).
 */
#ifndef STOKER_INTERNAL_H
#define STOKER_INTERNAL_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "stoker_image.h"

#define API __attribute__((visibility("default")))

/* Every flag stoker_decode accepts. */
#define STOKER_DECODE_FLAGS \
  (STOKER_DECODE_CHECK_ALL | STOKER_DECODE_PNG_LIBPNG | STOKER_DECODE_PNG_NO_FALLBACK)

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

#endif /* STOKER_INTERNAL_H */
