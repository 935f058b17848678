/*
 * libFuzzer target for stoker_image.c and stoker_png.c: every input is a 4-byte mode prefix and an
 * encoded image. PNGs are decoded by both PNG readers, which must agree (status and pixels).
 *
 *   byte 0: bits 0-1 the DCT scale (1, 2, 4, 8; PNG always 1), bit 2 STOKER_DECODE_CHECK_ALL,
 *           bit 3 a full-image decode before the region decode, bit 4 a padded output stride
 *   bytes 1-3: the region's x, y and size as fractions of the displayed image (n / 256)
 *
 * The header is read first, as Stoker does; the region decode runs for any header that reads.
 * Limits are small so that the fuzzer spends its time on code, not on big images: 4 MP,
 * 100 scans, 64 MiB of libjpeg memory. Built and run by scripts/fuzz-native.sh.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stoker_image.h"

#define MAX_PIXELS (4LL << 20)

static int32_t scaled(int32_t v, int32_t s) { return (int32_t) (((int64_t) v + s / 2) / s); }

/* One decode into a fresh buffer (NULL where it cannot be had); *status gets stoker_decode's result. */
static uint8_t *decode_once(const uint8_t *data, size_t len, int32_t x, int32_t y, int32_t w,
                            int32_t h, int32_t scale, int32_t flags, int pad, int64_t *size,
                            int32_t *status) {
  int32_t ow = scaled(w, scale), oh = scaled(h, scale);
  if (ow <= 0 || oh <= 0) return NULL;
  int64_t stride = (int64_t) ow * 3 + (pad ? 5 : 0);
  int64_t cap = stride * (oh - 1) + (int64_t) ow * 3;
  uint8_t *out = calloc(1, (size_t) cap);
  if (out == NULL) return NULL;
  int32_t warnings = 0;
  char err[256];
  *status = stoker_decode(data, (int64_t) len, x, y, w, h, scale, out, stride, cap, ow, oh,
                          MAX_PIXELS, 100, 64LL << 20, flags, &warnings, err, (int32_t) sizeof err);
  if (memchr(err, 0, sizeof err) == NULL) abort(); /* the message is always terminated */
  *size = cap;
  return out;
}

/*
 * A PNG is decoded twice, by the libdeflate reader (where built in) and by libpng: both must give
 * the same status, and where they succeed the same bytes.
 */
static void decode(const uint8_t *data, size_t len, int32_t x, int32_t y, int32_t w, int32_t h,
                   int32_t scale, int32_t flags, int pad, int png) {
  int64_t size = 0, ref_size = 0;
  int32_t status = 0, ref_status = 0;
  uint8_t *out = decode_once(data, len, x, y, w, h, scale, flags, pad, &size, &status);
  if (out != NULL && png) {
    uint8_t *ref = decode_once(data, len, x, y, w, h, scale, flags | STOKER_DECODE_PNG_LIBPNG, pad,
                               &ref_size, &ref_status);
    if (ref != NULL) {
      if (status != ref_status) abort();
      if (status == STOKER_OK && memcmp(out, ref, (size_t) size) != 0) abort();
    }
    free(ref);
  }
  free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n) {
  if (n < 4) return 0;
  uint8_t mode = in[0];
  const uint8_t *data = in + 4;
  size_t len = n - 4;
  int32_t info[STOKER_INFO_LENGTH];
  char err[256];
  if (stoker_read_header(data, (int64_t) len, info, err, (int32_t) sizeof err) != STOKER_OK) return 0;
  int32_t iw = info[STOKER_INFO_WIDTH], ih = info[STOKER_INFO_HEIGHT];
  if (iw <= 0 || ih <= 0 || (int64_t) iw * ih > MAX_PIXELS) return 0;
  int32_t scale = info[STOKER_INFO_FORMAT] == STOKER_FORMAT_PNG ? 1 : 1 << (mode & 3);
  int32_t flags = (mode >> 2) & 1 ? STOKER_DECODE_CHECK_ALL : 0;
  int pad = (mode >> 4) & 1;
  int png = info[STOKER_INFO_FORMAT] == STOKER_FORMAT_PNG;
  if ((mode >> 3) & 1) decode(data, len, 0, 0, iw, ih, scale, flags, pad, png);
  int32_t x = (int32_t) ((int64_t) iw * in[1] / 256), y = (int32_t) ((int64_t) ih * in[2] / 256);
  int32_t w = 1 + (int32_t) ((int64_t) (iw - x - 1) * in[3] / 255);
  int32_t h = 1 + (int32_t) ((int64_t) (ih - y - 1) * in[3] / 255);
  if (w < scale || h < scale) {
    scale = 1;
  }
  decode(data, len, x, y, w, h, scale, flags, pad, png);
  return 0;
}
