/*
 * stoker_resample: the separable resampling passes of Stoker's Resampler, in C so that the
 * compiler vectorizes them (gcc clones the row kernel for AVX2 and picks the clone at load time).
 *
 * The arithmetic is exactly the Java Resampler's: 13-bit weights, the vertical pass first over the
 * needed source columns, rounded to 8 bits, then the horizontal pass, rounded to 8 bits. Both
 * produce the same bytes; the Java side uses this when the library is loaded.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <immintrin.h>
#include <math.h>

#define API __attribute__((visibility("default")))
#define BITS 13
#define ROUND (1 << (BITS - 1))
#define MAX_PAIRS 64 /* the most tap pairs the AVX2 kernel takes: filters of up to 128 taps */

/* A buffer that grows and is kept: each decode thread reuses its own, so a call allocates nothing. */
typedef struct {
  void *data;
  size_t capacity;
} buffer;

#define SCRATCH_BUFFERS 5
static __thread buffer thread_scratch[SCRATCH_BUFFERS]; /* acc, mid, transposed, column taps, row taps */

static pthread_key_t scratch_key;
static pthread_once_t scratch_key_once = PTHREAD_ONCE_INIT;

/* Frees a thread's scratch when the thread exits. */
static void free_scratch(void *value) {
  buffer *buffers = value;
  for (int i = 0; i < SCRATCH_BUFFERS; i++) free(buffers[i].data);
}

static void create_scratch_key(void) { pthread_key_create(&scratch_key, free_scratch); }

static void *scratch(buffer *b, size_t size) {
  if (b->capacity < size) {
    pthread_once(&scratch_key_once, create_scratch_key);
    pthread_setspecific(scratch_key, &thread_scratch);
    void *grown = realloc(b->data, size);
    if (grown == NULL) return NULL;
    b->data = grown;
    b->capacity = size;
  }
  return b->data;
}

/* acc[i] = ROUND + sum over the n rows of row_k[i] * weights[k], for i < bytes. */
__attribute__((target_clones("avx2", "default")))
static void weigh_rows(const uint8_t *src, int64_t src_stride, int32_t n, const int32_t *weights,
                       int32_t bytes, int32_t *acc) {
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
}

#define BLOCK 8 /* rows (then columns) transposed together, so that stores fill cache lines */

/*
 * The 8x4 tile transpose of packed RGB pixels, in AVX2: reads 8 lines (line j at s + j * s_stride,
 * its pixels 0..3; 16 bytes are read, so 4 bytes past them must be readable) and writes 4 lines
 * (line q at d + q * d_stride, exactly 24 bytes): pixel j of line q is pixel q of line j. The
 * pixels widen to 4 bytes, move as a 4x4 transpose of 32-bit values in each 128-bit half (lines
 * 0..3 in the low half, 4..7 in the high), and narrow back to 3 bytes.
 */
__attribute__((target("avx2")))
static inline void tile_8x4_avx2(const uint8_t *s, int64_t s_stride, uint8_t *d, int64_t d_stride) {
  const __m256i widen = _mm256_setr_epi8(0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11, -1,
                                         0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11, -1);
  const __m256i narrow3 = _mm256_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1,
                                           0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1);
  const __m256i join = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 3, 7);
  __m256i y[4];
  for (int j = 0; j < 4; j++) {
    __m128i lo = _mm_loadu_si128((const __m128i *) (s + j * s_stride));
    __m128i hi = _mm_loadu_si128((const __m128i *) (s + (j + 4) * s_stride));
    y[j] = _mm256_shuffle_epi8(_mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1), widen);
  }
  __m256i t0 = _mm256_unpacklo_epi32(y[0], y[1]), t1 = _mm256_unpackhi_epi32(y[0], y[1]);
  __m256i t2 = _mm256_unpacklo_epi32(y[2], y[3]), t3 = _mm256_unpackhi_epi32(y[2], y[3]);
  __m256i c[4] = {_mm256_unpacklo_epi64(t0, t2), _mm256_unpackhi_epi64(t0, t2),
                  _mm256_unpacklo_epi64(t1, t3), _mm256_unpackhi_epi64(t1, t3)};
  for (int q = 0; q < 4; q++) {
    __m256i packed = _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(c[q], narrow3), join);
    uint8_t *o = d + q * d_stride;
    _mm_storeu_si128((__m128i *) o, _mm256_castsi256_si128(packed));
    _mm_storel_epi64((__m128i *) (o + 16), _mm256_extracti128_si256(packed, 1));
  }
}

/*
 * Stores `rows` rows (each n packed RGB pixels, row_bytes apart; nothing past the n-th pixel is
 * read) as the pixels at..at+rows-1 of every column of a column-major image whose columns are
 * col_stride bytes apart. A full block of 8 rows moves in 8x4 tiles where the CPU has AVX2, the
 * rest pixel by pixel.
 */
static void rows_to_columns(const uint8_t *rows_data, int64_t row_bytes, int32_t rows, int32_t n,
                            uint8_t *colmajor, int64_t col_stride, int32_t at, int avx2) {
  int32_t c = 0;
  if (avx2 && rows == BLOCK) {
    for (; 3 * c + 16 <= 3 * n; c += 4) { /* 16-byte loads that stay inside the rows */
      tile_8x4_avx2(rows_data + 3 * c, row_bytes, colmajor + c * col_stride + (int64_t) at * 3, col_stride);
    }
  }
  uint8_t *d = colmajor + c * col_stride + (int64_t) at * 3;
  for (; c < n; c++, d += col_stride) {
    const uint8_t *s = rows_data + 3 * c;
    for (int32_t j = 0; j < rows; j++) {
      memcpy(d + 3 * j, s + j * row_bytes, 3);
    }
  }
}

/*
 * Stores `count` columns (each n packed RGB pixels, column_bytes apart, readable 4 bytes past the
 * n-th pixel) as the output columns o..o+count-1 of the packed out_w-wide output, out_h = n rows.
 * A full block of 8 columns moves in 8x4 tiles where the CPU has AVX2 (exact 24-byte stores).
 */
static void columns_to_rows(const uint8_t *columns, int64_t column_bytes, int32_t count, int32_t n,
                            uint8_t *out, int32_t out_w, int32_t o, int avx2) {
  int64_t stride = (int64_t) out_w * 3;
  int whole = o + count < out_w; /* a four-byte move of the last column would spill into the next row */
  int32_t i = 0;
  if (avx2 && count == BLOCK) {
    for (; i + 4 <= n; i += 4) {
      tile_8x4_avx2(columns + 3 * i, column_bytes, out + i * stride + (int64_t) o * 3, stride);
    }
  }
  for (; i < n; i++) {
    uint8_t *d = out + i * stride + (int64_t) o * 3;
    const uint8_t *s = columns + 3 * i;
    int32_t j = 0;
    for (; j < count - 1 + whole; j++) {
      uint32_t v;
      memcpy(&v, s + j * column_bytes, 4);
      memcpy(d + 3 * j, &v, 4);
    }
    for (; j < count; j++) {
      memcpy(d + 3 * j, s + j * column_bytes, 3);
    }
  }
}

static void narrow(const int32_t *acc, int32_t bytes, uint8_t *dst) {
  for (int32_t i = 0; i < bytes; i++) {
    dst[i] = (uint8_t) (acc[i] >> BITS);
  }
}

/*
 * dst[i] = (ROUND + sum over the n rows of row_k[i] * weights[k]) >> BITS, for i < bytes: the
 * row kernel with its narrowing, in AVX2. Taps go in pairs: the two rows' bytes are interleaved,
 * widened to 16 bits and multiplied by the (w_k, w_k+1) pair with one multiply-add per 8 sums
 * (a pixel is 8 bits and a weight at most 1 << 13, so every product and sum fits). The same
 * integer sums as weigh_rows, so the same bytes. The pairs are set up once per call, for at most
 * 2 * MAX_PAIRS taps (weigh_narrow gives longer filters to weigh_rows).
 */
__attribute__((target("avx2"), always_inline))
static inline void weigh_narrow_body(const uint8_t *src, int64_t src_stride, int32_t n,
                                     const int32_t *weights, int32_t bytes, uint8_t *dst) {
  /* The taps' (w_k, w_k+1) pairs and second rows, set up once for every 16 bytes: an odd last tap
   * pairs with its own row at weight 0 (the same sum, and no read past the rows given). */
  __m256i pairs[MAX_PAIRS];
  int64_t second[MAX_PAIRS];
  int32_t count = (n + 1) / 2;
  for (int32_t p = 0; p < count; p++) {
    int32_t k = 2 * p;
    int32_t wa = weights[k], wb = k + 1 < n ? weights[k + 1] : 0;
    pairs[p] = _mm256_set1_epi32((int32_t) (((uint32_t) wb << 16) | (uint32_t) (wa & 0xFFFF)));
    second[p] = k + 1 < n ? src_stride : 0;
  }
  const __m256i round = _mm256_set1_epi32(ROUND);
  const __m256i zero = _mm256_setzero_si256();
  int32_t i = 0;
  /* 32 bytes at a time, all shuffles within 128-bit lanes: the two rows' bytes interleave, widen
   * to 16 bits against zero, and the sums come out as 4 vectors of lane-scrambled dwords that the
   * in-lane packs put back in order (fewer shuffles per byte than the 16-byte loop below). */
  for (; i + 32 <= bytes; i += 32) {
    __m256i s0 = round, s1 = round, s2 = round, s3 = round;
    const uint8_t *a = src + i;
    for (int32_t p = 0; p < count; p++, a += 2 * src_stride) {
      __m256i va = _mm256_loadu_si256((const __m256i *) a);
      __m256i vb = _mm256_loadu_si256((const __m256i *) (a + second[p]));
      __m256i lo = _mm256_unpacklo_epi8(va, vb); /* a0 b0 .. a7 b7 | a16 b16 .. a23 b23 */
      __m256i hi = _mm256_unpackhi_epi8(va, vb); /* a8 b8 .. a15 b15 | a24 b24 .. a31 b31 */
      s0 = _mm256_add_epi32(s0, _mm256_madd_epi16(_mm256_unpacklo_epi8(lo, zero), pairs[p])); /* 0-3 | 16-19 */
      s1 = _mm256_add_epi32(s1, _mm256_madd_epi16(_mm256_unpackhi_epi8(lo, zero), pairs[p])); /* 4-7 | 20-23 */
      s2 = _mm256_add_epi32(s2, _mm256_madd_epi16(_mm256_unpacklo_epi8(hi, zero), pairs[p])); /* 8-11 | 24-27 */
      s3 = _mm256_add_epi32(s3, _mm256_madd_epi16(_mm256_unpackhi_epi8(hi, zero), pairs[p])); /* 12-15 | 28-31 */
    }
    __m256i w01 = _mm256_packs_epi32(_mm256_srai_epi32(s0, BITS), _mm256_srai_epi32(s1, BITS)); /* 0-7 | 16-23 */
    __m256i w23 = _mm256_packs_epi32(_mm256_srai_epi32(s2, BITS), _mm256_srai_epi32(s3, BITS)); /* 8-15 | 24-31 */
    _mm256_storeu_si256((__m256i *) (dst + i), _mm256_packus_epi16(w01, w23));
  }
  for (; i + 16 <= bytes; i += 16) {
    __m256i lo = round, hi = round;
    const uint8_t *a = src + i;
    for (int32_t p = 0; p < count; p++, a += 2 * src_stride) {
      __m128i va = _mm_loadu_si128((const __m128i *) a);
      __m128i vb = _mm_loadu_si128((const __m128i *) (a + second[p]));
      lo = _mm256_add_epi32(lo, _mm256_madd_epi16(_mm256_cvtepu8_epi16(_mm_unpacklo_epi8(va, vb)), pairs[p]));
      hi = _mm256_add_epi32(hi, _mm256_madd_epi16(_mm256_cvtepu8_epi16(_mm_unpackhi_epi8(va, vb)), pairs[p]));
    }
    lo = _mm256_srai_epi32(lo, BITS);
    hi = _mm256_srai_epi32(hi, BITS);
    __m256i words = _mm256_permute4x64_epi64(_mm256_packs_epi32(lo, hi), 0xD8);
    __m128i out = _mm_packus_epi16(_mm256_castsi256_si128(words), _mm256_extracti128_si256(words, 1));
    _mm_storeu_si128((__m128i *) (dst + i), out);
  }
  for (; i < bytes; i++) {
    int32_t sum = ROUND;
    for (int32_t k = 0; k < n; k++) sum += src[k * src_stride + i] * weights[k];
    dst[i] = (uint8_t) (sum >> BITS);
  }
}

/* weigh_narrow_body with the common tap counts as constants, so that the compiler unrolls the
 * taps' loop and keeps the pairs in registers; the same code, so the same sums. */
__attribute__((target("avx2")))
static void weigh_narrow_avx2(const uint8_t *src, int64_t src_stride, int32_t n,
                              const int32_t *weights, int32_t bytes, uint8_t *dst) {
  switch (n) {
    case 2: weigh_narrow_body(src, src_stride, 2, weights, bytes, dst); break;
    case 3: weigh_narrow_body(src, src_stride, 3, weights, bytes, dst); break;
    case 4: weigh_narrow_body(src, src_stride, 4, weights, bytes, dst); break;
    case 5: weigh_narrow_body(src, src_stride, 5, weights, bytes, dst); break;
    case 6: weigh_narrow_body(src, src_stride, 6, weights, bytes, dst); break;
    default: weigh_narrow_body(src, src_stride, n, weights, bytes, dst); break;
  }
}

/* The row kernel with its narrowing: AVX2 where the CPU has it (and the filter has at most
 * 2 * MAX_PAIRS taps, a downscale by up to 64), else the compiler's vectors. */
static void weigh_narrow(const uint8_t *src, int64_t src_stride, int32_t n, const int32_t *weights,
                         int32_t bytes, int32_t *acc, uint8_t *dst) {
  if (n <= 2 * MAX_PAIRS && __builtin_cpu_supports("avx2")) {
    weigh_narrow_avx2(src, src_stride, n, weights, bytes, dst);
  } else {
    weigh_rows(src, src_stride, n, weights, bytes, acc);
    narrow(acc, bytes, dst);
  }
}

/*
 * Resamples an RGB image. src is the whole source (src_width columns, packed rows); the taps give,
 * per output row and column, the first source row/column, the count, and count weights at
 * row_stride/col_stride per output (summing to 1 << 13). first_col..first_col+cols covers every
 * column any tap reads. Returns 0, or -4 if scratch memory could not be allocated.
 *
 * Both passes run as the same vectorized row kernel: the vertical pass's rows are stored
 * transposed (one row per source column), so the horizontal pass weights whole rows too, and its
 * results are stored back transposed into the output. Same sums, same rounding, same bytes as the
 * scalar formulation.
 */
API int32_t stoker_resample(const uint8_t *src, int32_t src_width, int32_t first_col, int32_t cols,
                            const int32_t *row_start, const int32_t *row_count,
                            const int32_t *row_weights, int32_t row_stride,
                            const int32_t *col_start, const int32_t *col_count,
                            const int32_t *col_weights, int32_t col_stride,
                            uint8_t *out, int32_t out_w, int32_t out_h) {
  int32_t bytes = cols * 3;
  int32_t column_bytes = out_h * 3;
  int64_t transposed_stride = (int64_t) column_bytes + 1; /* one padding byte per column */
  int64_t mid_bytes = (int64_t) (bytes > column_bytes ? bytes : column_bytes) + 4;
  int32_t *acc = scratch(&thread_scratch[0], sizeof(int32_t) * (size_t) (mid_bytes - 4));
  uint8_t *mid = scratch(&thread_scratch[1], (size_t) (mid_bytes * BLOCK));
  uint8_t *transposed = scratch(&thread_scratch[2], (size_t) (transposed_stride * cols) + 4);
  if (acc == NULL || mid == NULL || transposed == NULL) {
    return -4;
  }
  int64_t stride = (int64_t) src_width * 3;
  int avx2 = __builtin_cpu_supports("avx2");
  for (int32_t oy = 0; oy < out_h; oy += BLOCK) {
    int32_t rows = out_h - oy < BLOCK ? out_h - oy : BLOCK;
    for (int32_t j = 0; j < rows; j++) {
      const uint8_t *first = src + row_start[oy + j] * stride + (int64_t) first_col * 3;
      weigh_narrow(first, stride, row_count[oy + j], row_weights + (int64_t) (oy + j) * row_stride, bytes, acc,
                   mid + j * mid_bytes);
    }
    rows_to_columns(mid, mid_bytes, rows, cols, transposed, transposed_stride, oy, avx2);
  }
  for (int32_t o = 0; o < out_w; o += BLOCK) {
    int32_t count = out_w - o < BLOCK ? out_w - o : BLOCK;
    for (int32_t j = 0; j < count; j++) {
      const uint8_t *first = transposed + (int64_t) (col_start[o + j] - first_col) * transposed_stride;
      weigh_narrow(first, transposed_stride, col_count[o + j], col_weights + (int64_t) (o + j) * col_stride,
                   column_bytes, acc, mid + j * mid_bytes);
    }
    columns_to_rows(mid, mid_bytes, count, out_h, out, out_w, o, avx2);
  }
  return 0;
}

/*
 * The filter taps, computed here next to the kernel instead of in Java: the arithmetic of the Java
 * Resampler.Taps.build, step for step in IEEE doubles (this file is compiled as ISO C, so no
 * multiply-add is fused, and SSE2 doubles have no excess precision), so the same taps, bit for bit.
 */
#define TAPS_LIMIT (1 << 30) /* offsets, spans and sizes past this go back to Java */
#define TAPS_MAX_WEIGHTS (1 << 26) /* out_size * stride past this goes back to Java */

typedef struct {
  int32_t *start, *count, *weights;
  int32_t stride, first, last; /* last: one past the largest start + count */
} taps;

/* floor and ceil of |v| < 2^31 (checked by the callers' bounds), exact, without libm. */
static double floor_small(double v) {
  double t = (double) (int64_t) v;
  return t > v ? t - 1 : t;
}

static double ceil_small(double v) {
  double t = (double) (int64_t) v;
  return t < v ? t + 1 : t;
}

/* Java's Math.round of 0 <= v < 2^31: floor(v + 1/2) taken exactly (v - floor(v) is exact). */
static int32_t round_half_up(double v) {
  double f = floor_small(v);
  return (int32_t) f + (v - f >= 0.5 ? 1 : 0);
}

/*
 * Taps.build(out_size, offset, span, src_size, reverse) into the scratch b. Returns 0, or -1 where
 * the arguments are outside these bounds (the caller then computes them in Java), -4 where memory
 * could not be allocated.
 */
static int32_t build_taps(int32_t out_size, double offset, double span, int32_t src_size, int32_t reverse,
                          buffer *b, taps *t) {
  if (out_size < 1 || out_size > TAPS_LIMIT || src_size < 1 || src_size > TAPS_LIMIT || !isfinite(offset)
      || !isfinite(span) || !(span > 0) || offset < -TAPS_LIMIT || offset > TAPS_LIMIT || span > TAPS_LIMIT) {
    return -1;
  }
  double scale = span / out_size;
  double support = scale > 1.0 ? scale : 1.0;
  int64_t stride = (int64_t) ceil_small(support) * 2 + 1;
  if ((int64_t) out_size * stride > TAPS_MAX_WEIGHTS) {
    return -1;
  }
  size_t ints = (size_t) out_size * 2 + (size_t) out_size * (size_t) stride;
  uint8_t *memory = scratch(b, ints * sizeof(int32_t) + (size_t) stride * sizeof(double));
  if (memory == NULL) {
    return -4;
  }
  t->start = (int32_t *) memory;
  t->count = t->start + out_size;
  t->weights = t->count + out_size;
  double *raw = (double *) (memory + ints * sizeof(int32_t));
  t->stride = (int32_t) stride;
  t->first = INT32_MAX;
  t->last = 0;
  for (int32_t o = 0; o < out_size; o++) {
    int32_t at = reverse ? out_size - 1 - o : o;
    double center = offset + (o + 0.5) * scale;
    int64_t below = (int64_t) floor_small(center - support), above = (int64_t) ceil_small(center + support);
    int32_t lo = below > 0 ? (int32_t) (below < src_size ? below : src_size) : 0;
    int32_t hi = above < src_size ? (int32_t) (above > 0 ? above : 0) : src_size;
    int32_t n = 0;
    double sum = 0;
    for (int32_t j = lo; j < hi && n < stride; j++) {
      double w = 1.0 - fabs(j + 0.5 - center) / support;
      if (w > 0 || n > 0) {
        if (n == 0) {
          lo = j;
        }
        double kept = w > 0 ? w : 0.0;
        raw[n++] = kept;
        sum += kept;
      }
    }
    while (n > 1 && raw[n - 1] == 0) {
      n--;
    }
    if (n == 0 || sum == 0) {
      int64_t c = (int64_t) floor_small(center);
      lo = c < 0 ? 0 : c > src_size - 1 ? src_size - 1 : (int32_t) c;
      raw[0] = 1;
      sum = 1;
      n = 1;
    }
    t->start[at] = lo;
    t->count[at] = n;
    int32_t *weights = t->weights + (int64_t) at * stride;
    int32_t total = 0, largest = 0;
    for (int32_t k = 0; k < n; k++) {
      int32_t w = round_half_up(raw[k] / sum * (1 << BITS));
      weights[k] = w;
      total += w;
      if (w > weights[largest]) {
        largest = k;
      }
    }
    weights[largest] += (1 << BITS) - total;
    if (lo < t->first) t->first = lo;
    if (lo + n > t->last) t->last = lo + n;
  }
  return 0;
}

/*
 * The taps of one axis into the caller's arrays (start and count: out_size each; weights:
 * out_size * stride, stride being the return value), for tests that compare them with Java's.
 * Returns the stride, or a negative status as build_taps; nothing is written past weights_cap.
 */
API int32_t stoker_resample_taps(int32_t out_size, double offset, double span, int32_t src_size, int32_t reverse,
                                 int32_t *start, int32_t *count, int32_t *weights, int64_t weights_cap) {
  taps t;
  int32_t status = build_taps(out_size, offset, span, src_size, reverse, &thread_scratch[3], &t);
  if (status != 0) {
    return status;
  }
  if ((int64_t) out_size * t.stride > weights_cap) {
    return -1;
  }
  memcpy(start, t.start, sizeof(int32_t) * (size_t) out_size);
  memcpy(count, t.count, sizeof(int32_t) * (size_t) out_size);
  memcpy(weights, t.weights, sizeof(int32_t) * (size_t) out_size * (size_t) t.stride);
  return t.stride;
}

/*
 * Resamples the rectangle (x, y, w, h) of src (src_width x src_height packed RGB, src_bytes
 * readable) into out (out_w x out_h packed RGB, out_bytes writable), mirrored left to right if
 * flip and top to bottom if flip_v: the Java Resampler.resample, taps and passes, in one call.
 * Returns 0; -1 where the arguments are outside this function's bounds (nothing written; the
 * caller does it in Java), -4 where memory could not be allocated.
 */
API int32_t stoker_resample_rect(const uint8_t *src, int64_t src_bytes, int32_t src_width, int32_t src_height,
                                 double x, double y, double w, double h, uint8_t *out, int64_t out_bytes,
                                 int32_t out_w, int32_t out_h, int32_t flip, int32_t flip_v) {
  if (src_width < 1 || src_height < 1 || (int64_t) src_width * src_height * 3 > src_bytes || out_w < 1
      || out_h < 1 || (int64_t) out_w * out_h * 3 > out_bytes) {
    return -1;
  }
  taps columns, rows;
  int32_t status = build_taps(out_w, x, w, src_width, flip, &thread_scratch[3], &columns);
  if (status == 0) {
    status = build_taps(out_h, y, h, src_height, flip_v, &thread_scratch[4], &rows);
  }
  if (status != 0) {
    return status;
  }
  return stoker_resample(src, src_width, columns.first, columns.last - columns.first, rows.start, rows.count,
                         rows.weights, rows.stride, columns.start, columns.count, columns.weights, columns.stride,
                         out, out_w, out_h);
}
