/*
 * stoker_resample: the separable resampling pass of Stoker's Resampler, in C so that the compiler
 * vectorizes the vertical pass (gcc clones it for AVX2 and picks the clone at load time).
 *
 * The arithmetic is exactly the Java Resampler's: 13-bit weights, the vertical pass first over the
 * needed source columns, rounded to 8 bits, then the horizontal pass, rounded to 8 bits. Both
 * produce the same bytes; the Java side uses this when the library is loaded.
 */
#include <stdint.h>
#include <stdlib.h>

#define API __attribute__((visibility("default")))
#define BITS 13
#define ROUND (1 << (BITS - 1))

__attribute__((target_clones("avx2", "default")))
static void vertical_row(const uint8_t *src, int64_t src_stride, int32_t n, const int32_t *weights,
                         int32_t bytes, int32_t *acc, uint8_t *mid) {
  int32_t w0 = weights[0];
  for (int32_t i = 0; i < bytes; i++) {
    acc[i] = ROUND + src[i] * w0;
  }
  for (int32_t k = 1; k < n; k++) {
    const uint8_t *row = src + k * src_stride;
    int32_t w = weights[k];
    for (int32_t i = 0; i < bytes; i++) {
      acc[i] += row[i] * w;
    }
  }
  for (int32_t i = 0; i < bytes; i++) {
    mid[i] = (uint8_t) (acc[i] >> BITS);
  }
}

static void horizontal_row(const uint8_t *mid, int32_t first_col, const int32_t *start,
                           const int32_t *count, const int32_t *weights, int32_t stride,
                           int32_t out_w, uint8_t *out) {
  for (int32_t o = 0; o < out_w; o++) {
    const uint8_t *p = mid + (int64_t) (start[o] - first_col) * 3;
    const int32_t *w = weights + (int64_t) o * stride;
    int32_t n = count[o];
    int32_t r = ROUND, g = ROUND, b = ROUND;
    for (int32_t k = 0; k < n; k++, p += 3) {
      r += p[0] * w[k];
      g += p[1] * w[k];
      b += p[2] * w[k];
    }
    out[3 * o] = (uint8_t) (r >> BITS);
    out[3 * o + 1] = (uint8_t) (g >> BITS);
    out[3 * o + 2] = (uint8_t) (b >> BITS);
  }
}

/*
 * Resamples an RGB image. src is the whole source (src_width columns, packed rows); the taps give,
 * per output row and column, the first source row/column, the count, and count weights at
 * row_stride/col_stride per output (summing to 1 << 13). first_col..first_col+cols covers every
 * column any tap reads. Returns 0, or -4 if scratch memory could not be allocated.
 */
API int32_t stoker_resample(const uint8_t *src, int32_t src_width, int32_t first_col, int32_t cols,
                            const int32_t *row_start, const int32_t *row_count,
                            const int32_t *row_weights, int32_t row_stride,
                            const int32_t *col_start, const int32_t *col_count,
                            const int32_t *col_weights, int32_t col_stride,
                            uint8_t *out, int32_t out_w, int32_t out_h) {
  int32_t bytes = cols * 3;
  int32_t *acc = malloc(sizeof(int32_t) * (size_t) bytes);
  uint8_t *mid = malloc((size_t) bytes);
  if (acc == NULL || mid == NULL) {
    free(acc);
    free(mid);
    return -4;
  }
  int64_t stride = (int64_t) src_width * 3;
  for (int32_t oy = 0; oy < out_h; oy++) {
    const uint8_t *first = src + row_start[oy] * stride + (int64_t) first_col * 3;
    vertical_row(first, stride, row_count[oy], row_weights + (int64_t) oy * row_stride, bytes, acc, mid);
    horizontal_row(mid, first_col, col_start, col_count, col_weights, col_stride, out_w,
                   out + (int64_t) oy * out_w * 3);
  }
  free(acc);
  free(mid);
  return 0;
}
