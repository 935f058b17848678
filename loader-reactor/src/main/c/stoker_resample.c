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

#define API __attribute__((visibility("default")))
#define BITS 13
#define ROUND (1 << (BITS - 1))

/* A buffer that grows and is kept: each decode thread reuses its own, so a call allocates nothing. */
typedef struct {
  void *data;
  size_t capacity;
} buffer;

static __thread buffer thread_scratch[3]; /* acc, mid, transposed */

static pthread_key_t scratch_key;
static pthread_once_t scratch_key_once = PTHREAD_ONCE_INIT;

/* Frees a thread's scratch when the thread exits. */
static void free_scratch(void *value) {
  buffer *buffers = value;
  for (int i = 0; i < 3; i++) free(buffers[i].data);
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
 * Stores `rows` rows (each n packed RGB pixels, row_bytes apart) as the pixels at..at+rows-1 of
 * every column of a column-major image whose columns are col_stride bytes apart. Four-byte
 * moves: each extra byte lands on the next pixel of the same column, or on the column's padding.
 */
static void rows_to_columns(const uint8_t *rows_data, int64_t row_bytes, int32_t rows, int32_t n,
                            uint8_t *colmajor, int64_t col_stride, int32_t at) {
  uint8_t *d = colmajor + (int64_t) at * 3;
  for (int32_t c = 0; c < n; c++, d += col_stride) {
    const uint8_t *s = rows_data + 3 * c;
    for (int32_t j = 0; j < rows; j++) {
      uint32_t v;
      memcpy(&v, s + j * row_bytes, 4);
      memcpy(d + 3 * j, &v, 4);
    }
  }
}

/*
 * Stores `count` columns (each n packed RGB pixels, column_bytes apart) as the output columns
 * o..o+count-1 of the packed out_w-wide output, out_h = n rows.
 */
static void columns_to_rows(const uint8_t *columns, int64_t column_bytes, int32_t count, int32_t n,
                            uint8_t *out, int32_t out_w, int32_t o) {
  int64_t stride = (int64_t) out_w * 3;
  int whole = o + count < out_w; /* a four-byte move of the last column would spill into the next row */
  for (int32_t i = 0; i < n; i++) {
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
 * integer sums as weigh_rows, so the same bytes.
 */
__attribute__((target("avx2")))
static void weigh_narrow_avx2(const uint8_t *src, int64_t src_stride, int32_t n,
                              const int32_t *weights, int32_t bytes, uint8_t *dst) {
  const __m256i round = _mm256_set1_epi32(ROUND);
  const __m128i zero = _mm_setzero_si128();
  int32_t i = 0;
  for (; i + 16 <= bytes; i += 16) {
    __m256i lo = round, hi = round;
    for (int32_t k = 0; k < n; k += 2) {
      const uint8_t *a = src + k * src_stride + i;
      int32_t wa = weights[k], wb = k + 1 < n ? weights[k + 1] : 0;
      __m128i va = _mm_loadu_si128((const __m128i *) a);
      __m128i vb = k + 1 < n ? _mm_loadu_si128((const __m128i *) (a + src_stride)) : zero;
      __m256i pair = _mm256_set1_epi32((int32_t) (((uint32_t) wb << 16) | (uint32_t) (wa & 0xFFFF)));
      lo = _mm256_add_epi32(lo, _mm256_madd_epi16(_mm256_cvtepu8_epi16(_mm_unpacklo_epi8(va, vb)), pair));
      hi = _mm256_add_epi32(hi, _mm256_madd_epi16(_mm256_cvtepu8_epi16(_mm_unpackhi_epi8(va, vb)), pair));
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

/* The row kernel with its narrowing: AVX2 where the CPU has it, else the compiler's vectors. */
static void weigh_narrow(const uint8_t *src, int64_t src_stride, int32_t n, const int32_t *weights,
                         int32_t bytes, int32_t *acc, uint8_t *dst) {
  if (__builtin_cpu_supports("avx2")) {
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
  for (int32_t oy = 0; oy < out_h; oy += BLOCK) {
    int32_t rows = out_h - oy < BLOCK ? out_h - oy : BLOCK;
    for (int32_t j = 0; j < rows; j++) {
      const uint8_t *first = src + row_start[oy + j] * stride + (int64_t) first_col * 3;
      weigh_narrow(first, stride, row_count[oy + j], row_weights + (int64_t) (oy + j) * row_stride, bytes, acc,
                   mid + j * mid_bytes);
    }
    rows_to_columns(mid, mid_bytes, rows, cols, transposed, transposed_stride, oy);
  }
  for (int32_t o = 0; o < out_w; o += BLOCK) {
    int32_t count = out_w - o < BLOCK ? out_w - o : BLOCK;
    for (int32_t j = 0; j < count; j++) {
      const uint8_t *first = transposed + (int64_t) (col_start[o + j] - first_col) * transposed_stride;
      weigh_narrow(first, transposed_stride, col_count[o + j], col_weights + (int64_t) (o + j) * col_stride,
                   column_bytes, acc, mid + j * mid_bytes);
    }
    columns_to_rows(mid, mid_bytes, count, out_h, out, out_w, o);
  }
  return 0;
}
