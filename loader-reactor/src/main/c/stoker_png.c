/*
 * stoker_png: PNG decoding into a caller's RGB buffer, for stoker_image.c's stoker_decode.
 *
 * Two readers, one result:
 * - libpng (1.6, with zlib's inflate) decodes every PNG. A region stops reading after its last
 *   row for non-interlaced files; Adam7 files are read to the last pass's last region row.
 * - Where the library is built with STOKER_PNG_LIBDEFLATE (build.sh does so where the libdeflate
 *   runtime is installed), a reader of our own decodes non-interlaced PNGs first: it walks the
 *   chunks (checking each CRC up to the last IDAT), inflates the whole image with libdeflate in
 *   one call (about twice zlib's speed, which outweighs reading the rows below a region),
 *   unfilters the rows down to the region's last and converts the region to RGB exactly as
 *   libpng's transformations do. It only takes files it understands completely: anything else
 *   (Adam7, an unknown or out-of-place chunk, a bad CRC, a bad or short zlib stream, a bad filter
 *   byte, a chunk over libpng's limits) is handed to libpng untouched, so errors, their messages
 *   and any pixels libpng would still produce are libpng's own. Nothing is written to the output
 *   before the fast reader has succeeded.
 *
 * In both, the max_pixels limit is checked after the chunks before the first IDAT and before any
 * pixel memory is allocated; alpha and tRNS are dropped (not composited), gray is replicated into
 * R, G and B, 1/2/4-bit gray is scaled to 8 bits, 16-bit samples are rounded to 8 bits as
 * libpng's png_set_scale_16 does, and palette indices past the palette's end are black (libpng's
 * palette is zero-filled to 256 entries).
 */
#include "stoker_internal.h"

#include <setjmp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* ---------------------------------------------------------------- libpng */

typedef struct {
  const uint8_t *data;
  size_t len, pos;
  char *err;
  int32_t err_cap;
} png_ctx;

static void png_on_error(png_structp png, png_const_charp msg) {
  png_ctx *c = (png_ctx *) png_get_error_ptr(png);
  set_err(c->err, c->err_cap, "%s", msg);
  png_longjmp(png, 1);
}

static void png_on_warning(png_structp png, png_const_charp msg) {
  (void) png;
  (void) msg;
}

static void png_on_read(png_structp png, png_bytep out, size_t n) {
  png_ctx *c = (png_ctx *) png_get_io_ptr(png);
  if (n > c->len - c->pos) png_error(png, "truncated PNG data");
  memcpy(out, c->data + c->pos, n);
  c->pos += n;
}

/* Ancillary chunks that do not change RGB pixels as we produce them: skipped unparsed
 * (their CRC is still checked). tRNS goes too: alpha is dropped. */
static const png_byte IGNORED_CHUNKS[] =
    "bKGD\0cHRM\0eXIf\0gAMA\0hIST\0iCCP\0iTXt\0oFFs\0pCAL\0pHYs\0sBIT\0sCAL\0sPLT\0sRGB\0"
    "tEXt\0tIME\0tRNS\0zTXt";

static void png_setup(png_structp png, png_ctx *c) {
  png_set_read_fn(png, c, png_on_read);
  png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, IGNORED_CHUNKS,
                              (int) (sizeof IGNORED_CHUNKS / 5));
  png_set_crc_action(png, PNG_CRC_ERROR_QUIT, PNG_CRC_ERROR_QUIT);
}

int32_t stoker_png_header(const uint8_t *data, int64_t len, int32_t *info, char *err,
                          int32_t cap) {
  png_ctx c = {data, (size_t) len, 0, err, cap};
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &c, png_on_error, png_on_warning);
  png_infop pinfo = png == NULL ? NULL : png_create_info_struct(png);
  if (pinfo == NULL) {
    png_destroy_read_struct(&png, NULL, NULL);
    set_err(err, cap, "out of memory for a PNG reader");
    return STOKER_E_NOMEM;
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &pinfo, NULL);
    return STOKER_E_CORRUPT;
  }
  png_setup(png, &c);
  png_read_info(png, pinfo);
  int32_t w = (int32_t) png_get_image_width(png, pinfo);
  int32_t h = (int32_t) png_get_image_height(png, pinfo);
  info[STOKER_INFO_WIDTH] = info[STOKER_INFO_STORED_WIDTH] = w;
  info[STOKER_INFO_HEIGHT] = info[STOKER_INFO_STORED_HEIGHT] = h;
  info[STOKER_INFO_FORMAT] = STOKER_FORMAT_PNG;
  info[STOKER_INFO_ORIENTATION] = 1;
  info[STOKER_INFO_COMPONENTS] = png_get_channels(png, pinfo);
  png_destroy_read_struct(&png, &pinfo, NULL);
  return STOKER_OK;
}

static int32_t png_decode_libpng(const uint8_t *data, int64_t len, request *q) {
  png_ctx c = {data, (size_t) len, 0, q->err, q->err_cap};
  uint8_t *volatile rows = NULL, *volatile scratch = NULL;
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &c, png_on_error, png_on_warning);
  png_infop pinfo = png == NULL ? NULL : png_create_info_struct(png);
  if (pinfo == NULL) {
    png_destroy_read_struct(&png, NULL, NULL);
    set_err(q->err, q->err_cap, "out of memory for a PNG reader");
    return STOKER_E_NOMEM;
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &pinfo, NULL);
    free(rows);
    free(scratch);
    return STOKER_E_CORRUPT;
  }
  png_setup(png, &c);
  png_read_info(png, pinfo);
  int32_t w = (int32_t) png_get_image_width(png, pinfo);
  int32_t h = (int32_t) png_get_image_height(png, pinfo);
  int depth = png_get_bit_depth(png, pinfo), type = png_get_color_type(png, pinfo);
  int32_t status = STOKER_OK;
  if ((int64_t) w * h > q->max_pixels) {
    status = too_many_pixels(w, h, q->max_pixels, q->err, q->err_cap);
  } else if (q->scale != 1 || (int64_t) q->x + q->w > w || (int64_t) q->y + q->h > h) {
    set_err(q->err, q->err_cap, "region %d,%d %dx%d at 1/%d outside the %dx%d PNG or scaled",
            q->x, q->y, q->w, q->h, q->scale, w, h);
    status = STOKER_E_ARG;
  }
  if (status != STOKER_OK) {
    png_destroy_read_struct(&png, &pinfo, NULL);
    return status;
  }

  if (type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (type == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (depth == 16) png_set_scale_16(png);
  if (type & PNG_COLOR_MASK_ALPHA) png_set_strip_alpha(png);
  if (type == PNG_COLOR_TYPE_GRAY || type == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
  int passes = png_set_interlace_handling(png);
  png_read_update_info(png, pinfo);
  size_t rb = (size_t) w * 3;
  if (png_get_channels(png, pinfo) != 3 || png_get_bit_depth(png, pinfo) != 8 ||
      png_get_rowbytes(png, pinfo) != rb) {
    png_error(png, "cannot convert this PNG to 8-bit RGB");
  }

  int32_t last = q->y + q->h; /* rows [0, last) are read; the rest of the file is not */
  int full_rows = q->x == 0 && q->w == w;
  scratch = malloc(rb);
  if (scratch == NULL) png_error(png, "out of memory for a PNG row");
  if (passes == 1) {
    for (int32_t y = 0; y < last; y++) {
      uint8_t *d = y >= q->y ? q->out + (ptrdiff_t) (y - q->y) * q->stride : NULL;
      png_read_row(png, d != NULL && full_rows ? d : scratch, NULL);
      if (d != NULL && !full_rows) memcpy(d, scratch + (size_t) q->x * 3, (size_t) q->w * 3);
    }
  } else {
    /* Adam7: every pass spans all rows; keep full-width rows only for the region. */
    rows = malloc(rb * (size_t) q->h);
    if (rows == NULL) png_error(png, "out of memory for interlaced PNG rows");
    for (int p = 0; p < passes; p++) {
      int32_t end = p == passes - 1 ? last : h;
      for (int32_t y = 0; y < end; y++) {
        int keep = y >= q->y && y < last;
        png_read_row(png, keep ? rows + (size_t) (y - q->y) * rb : scratch, NULL);
      }
    }
    for (int32_t y = 0; y < q->h; y++) {
      memcpy(q->out + (ptrdiff_t) y * q->stride, rows + (size_t) y * rb + (size_t) q->x * 3,
             (size_t) q->w * 3);
    }
  }
  png_destroy_read_struct(&png, &pinfo, NULL);
  free(rows);
  free(scratch);
  return STOKER_OK;
}


/* ---------------------------------------------------------------- libdeflate reader */

#ifdef STOKER_PNG_LIBDEFLATE

/*
 * The few libdeflate 1.x functions used, declared here so that the build needs only the runtime
 * library (libdeflate0), not its -dev package; their signatures have been stable since 1.0.
 * libdeflate_zlib_decompress returns 0 (LIBDEFLATE_SUCCESS) when the stream inflated to exactly
 * out_avail bytes with a good Adler-32 (actual_out NULL).
 */
struct libdeflate_decompressor;
struct libdeflate_decompressor *libdeflate_alloc_decompressor(void);
void libdeflate_free_decompressor(struct libdeflate_decompressor *d);
int libdeflate_zlib_decompress(struct libdeflate_decompressor *d, const void *in, size_t in_len,
                               void *out, size_t out_avail, size_t *actual_out);
uint32_t libdeflate_crc32(uint32_t crc, const void *data, size_t len);

#define PNG_FAST_DECLINED 1 /* not an error: libpng decodes this file */
#define PNG_MAX_DIMENSION 1000000u /* libpng's default user limits on width and height */
#define PNG_MAX_CHUNK 8000000u     /* libpng's default PNG_USER_CHUNK_MALLOC_MAX */

static uint32_t be32(const uint8_t *p) {
  return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

static uint32_t chunk_type(const char *name) { return be32((const uint8_t *) name); }

/* The ancillary chunks libpng skips for us (IGNORED_CHUNKS): their CRC is checked, nothing else. */
static int skipped_chunk(uint32_t type) {
  for (size_t i = 0; i + 4 < sizeof IGNORED_CHUNKS; i += 5) {
    if (type == be32(IGNORED_CHUNKS + i)) return 1;
  }
  return 0;
}

static int valid_depth(int type, int depth) {
  switch (type) {
    case 0: return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
    case 3: return depth == 1 || depth == 2 || depth == 4 || depth == 8;
    case 2: case 4: case 6: return depth == 8 || depth == 16;
    default: return 0;
  }
}

static int channels_of(int type) {
  switch (type) {
    case 2: return 3;
    case 4: return 2;
    case 6: return 4;
    default: return 1;
  }
}

static inline uint8_t paeth(int a, int b, int c) {
  int pa = abs(b - c), pb = abs(a - c), pc = abs(a + b - 2 * c);
  return (uint8_t) (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
}

#ifdef __SSE2__
/*
 * Sub, Average and Paeth for 3- and 4-byte pixels (8-bit RGB and RGBA), one pixel per step in
 * 16-bit lanes: each pixel needs its left neighbour's result, so the win is doing the three or
 * four channels at once, branch-free. Loads read 4 bytes for a 3-byte pixel (the buffers have
 * slack); stores write exactly bpp bytes.
 */
static inline __m128i load_px(const uint8_t *p) {
  int32_t v;
  memcpy(&v, p, 4);
  return _mm_unpacklo_epi8(_mm_cvtsi32_si128(v), _mm_setzero_si128());
}

static inline void store_px(uint8_t *p, __m128i v, size_t bpp) {
  uint32_t t = (uint32_t) _mm_cvtsi128_si32(_mm_packus_epi16(v, v));
  if (bpp == 4) {
    memcpy(p, &t, 4);
  } else {
    uint16_t rg = (uint16_t) t;
    memcpy(p, &rg, 2);
    p[2] = (uint8_t) (t >> 16);
  }
}

static inline __m128i abs16(__m128i x) { return _mm_max_epi16(x, _mm_sub_epi16(_mm_setzero_si128(), x)); }

__attribute__((always_inline))
static inline void unfilter_simd(int filter, uint8_t *row, const uint8_t *prior, size_t n, size_t bpp) {
  const __m128i lo8 = _mm_set1_epi16(0xFF);
  __m128i a = _mm_setzero_si128(), c = _mm_setzero_si128();
  for (size_t i = 0; i < n; i += bpp) {
    __m128i x = load_px(row + i), r;
    if (filter == 1) {
      r = _mm_add_epi16(x, a);
    } else if (filter == 3) {
      __m128i b = load_px(prior + i);
      r = _mm_add_epi16(x, _mm_srli_epi16(_mm_add_epi16(a, b), 1));
    } else {
      __m128i b = load_px(prior + i);
      __m128i p = _mm_sub_epi16(b, c), q = _mm_sub_epi16(a, c); /* pa = |b-c|, pb = |a-c| */
      __m128i pa = abs16(p), pb = abs16(q), pc = abs16(_mm_add_epi16(p, q));
      __m128i smallest = _mm_min_epi16(pc, _mm_min_epi16(pa, pb));
      __m128i is_a = _mm_cmpeq_epi16(pa, smallest), is_b = _mm_cmpeq_epi16(pb, smallest);
      __m128i bc = _mm_or_si128(_mm_and_si128(is_b, b), _mm_andnot_si128(is_b, c));
      __m128i pred = _mm_or_si128(_mm_and_si128(is_a, a), _mm_andnot_si128(is_a, bc));
      r = _mm_add_epi16(x, pred);
      c = b;
    }
    a = _mm_and_si128(r, lo8);
    store_px(row + i, a, bpp);
  }
}
#endif

/* Reverses one row's filter in place; prior is the previous unfiltered row (zeros for row 0). */
static int unfilter(int filter, uint8_t *row, const uint8_t *prior, size_t n, size_t bpp) {
  size_t i;
#ifdef __SSE2__
  if ((bpp == 3 || bpp == 4) && (filter == 1 || filter == 3 || filter == 4)) {
    if (bpp == 3) { /* separate copies, so that bpp is a constant in each */
      unfilter_simd(filter, row, prior, n, 3);
    } else {
      unfilter_simd(filter, row, prior, n, 4);
    }
    return 1;
  }
#endif
  switch (filter) {
    case 0:
      return 1;
    case 1:
      for (i = bpp; i < n; i++) row[i] = (uint8_t) (row[i] + row[i - bpp]);
      return 1;
    case 2:
      for (i = 0; i < n; i++) row[i] = (uint8_t) (row[i] + prior[i]);
      return 1;
    case 3:
      for (i = 0; i < bpp; i++) row[i] = (uint8_t) (row[i] + (prior[i] >> 1));
      for (; i < n; i++) row[i] = (uint8_t) (row[i] + ((row[i - bpp] + prior[i]) >> 1));
      return 1;
    case 4:
      for (i = 0; i < bpp; i++) row[i] = (uint8_t) (row[i] + prior[i]);
      for (; i < n; i++) row[i] = (uint8_t) (row[i] + paeth(row[i - bpp], prior[i], prior[i - bpp]));
      return 1;
    default:
      return 0;
  }
}

/* libpng's png_do_scale_16_to_8: round(v / 257), from the sample's two bytes. */
static inline uint8_t scale16(const uint8_t *p) {
  int32_t v = p[0];
  v += (((int32_t) p[1] - v + 128) * 65535) >> 24;
  return (uint8_t) v;
}

/* Packed sample x of a 1, 2 or 4-bit row. */
static inline unsigned packed(const uint8_t *row, int32_t x, int depth) {
  unsigned bit = (unsigned) x * (unsigned) depth;
  return (unsigned) (row[bit >> 3] >> (8 - depth - (bit & 7))) & ((1u << depth) - 1);
}

/* Writes columns [x0, x0 + n) of an unfiltered row as RGB. */
static void row_to_rgb(const uint8_t *row, int type, int depth, const uint8_t *palette, int32_t x0,
                       int32_t n, uint8_t *d) {
  int32_t x;
  switch (type << 8 | depth) {
    case 2 << 8 | 8:
      memcpy(d, row + (size_t) x0 * 3, (size_t) n * 3);
      return;
    case 2 << 8 | 16:
      for (x = x0; x < x0 + n; x++, d += 3) {
        d[0] = scale16(row + 6 * (size_t) x);
        d[1] = scale16(row + 6 * (size_t) x + 2);
        d[2] = scale16(row + 6 * (size_t) x + 4);
      }
      return;
    case 6 << 8 | 8:
      for (x = x0; x < x0 + n; x++, d += 3) memcpy(d, row + 4 * (size_t) x, 3);
      return;
    case 6 << 8 | 16:
      for (x = x0; x < x0 + n; x++, d += 3) {
        d[0] = scale16(row + 8 * (size_t) x);
        d[1] = scale16(row + 8 * (size_t) x + 2);
        d[2] = scale16(row + 8 * (size_t) x + 4);
      }
      return;
    case 0 << 8 | 8:
      for (x = x0; x < x0 + n; x++, d += 3) d[0] = d[1] = d[2] = row[x];
      return;
    case 0 << 8 | 16:
      for (x = x0; x < x0 + n; x++, d += 3) d[0] = d[1] = d[2] = scale16(row + 2 * (size_t) x);
      return;
    case 4 << 8 | 8:
      for (x = x0; x < x0 + n; x++, d += 3) d[0] = d[1] = d[2] = row[2 * (size_t) x];
      return;
    case 4 << 8 | 16:
      for (x = x0; x < x0 + n; x++, d += 3) d[0] = d[1] = d[2] = scale16(row + 4 * (size_t) x);
      return;
    case 3 << 8 | 8:
      for (x = x0; x < x0 + n; x++, d += 3) memcpy(d, palette + 3 * (size_t) row[x], 3);
      return;
    default:
      if (type == 3) {
        for (x = x0; x < x0 + n; x++, d += 3) memcpy(d, palette + 3 * packed(row, x, depth), 3);
      } else { /* gray 1, 2, 4 bits: scaled to 8 bits by replicating the bits, as libpng does */
        unsigned mul = depth == 1 ? 255 : depth == 2 ? 85 : 17;
        for (x = x0; x < x0 + n; x++, d += 3) d[0] = d[1] = d[2] = (uint8_t) (packed(row, x, depth) * mul);
      }
      return;
  }
}

/*
 * The fast reader: STOKER_OK with the region in q->out, a limit or argument error (as libpng's
 * path words it), STOKER_E_NOMEM, or PNG_FAST_DECLINED with nothing written anywhere.
 */
static int32_t png_decode_fast(const uint8_t *data, int64_t len, request *q) {
  const size_t n = (size_t) len;
  size_t pos = 8;
  uint32_t w = 0, h = 0;
  int depth = 0, type = 0, have_ihdr = 0, have_plte = 0;
  uint8_t palette[256 * 3];
  memset(palette, 0, sizeof palette);
  /* Chunks up to the first IDAT, as libpng's png_read_info reads them. */
  for (;;) {
    if (n - pos < 12) return PNG_FAST_DECLINED;
    uint32_t length = be32(data + pos), type_code = be32(data + pos + 4);
    if (length > PNG_MAX_CHUNK || length > n - pos - 12) return PNG_FAST_DECLINED;
    const uint8_t *body = data + pos + 8;
    if (libdeflate_crc32(0, data + pos + 4, (size_t) length + 4) != be32(body + length)) {
      return PNG_FAST_DECLINED;
    }
    if (type_code == chunk_type("IDAT")) break;
    if (!have_ihdr && type_code != chunk_type("IHDR")) return PNG_FAST_DECLINED;
    if (type_code == chunk_type("IHDR")) {
      if (have_ihdr || length != 13) return PNG_FAST_DECLINED;
      w = be32(body);
      h = be32(body + 4);
      depth = body[8];
      type = body[9];
      if (w == 0 || h == 0 || w > PNG_MAX_DIMENSION || h > PNG_MAX_DIMENSION ||
          !valid_depth(type, depth) || body[10] != 0 || body[11] != 0 || body[12] != 0) {
        return PNG_FAST_DECLINED; /* also Adam7 (interlace 1): libpng reads it */
      }
      have_ihdr = 1;
    } else if (type_code == chunk_type("PLTE")) {
      /* a suggested palette of an RGB file is ignored; gray files may not have one */
      if (have_plte || length == 0 || length % 3 != 0 || length > sizeof palette ||
          type == 0 || type == 4 || (type == 3 && length / 3 > (1u << depth))) {
        return PNG_FAST_DECLINED;
      }
      if (type == 3) memcpy(palette, body, length);
      have_plte = 1;
    } else if (!skipped_chunk(type_code)) {
      return PNG_FAST_DECLINED; /* IEND, an unknown chunk: libpng decides */
    }
    pos += (size_t) length + 12;
  }
  if (!have_ihdr || (type == 3 && !have_plte)) return PNG_FAST_DECLINED;

  if ((int64_t) w * h > q->max_pixels) return too_many_pixels(w, h, q->max_pixels, q->err, q->err_cap);
  if (q->scale != 1 || (int64_t) q->x + q->w > w || (int64_t) q->y + q->h > h) {
    set_err(q->err, q->err_cap, "region %d,%d %dx%d at 1/%d outside the %dx%d PNG or scaled",
            q->x, q->y, q->w, q->h, q->scale, (int32_t) w, (int32_t) h);
    return STOKER_E_ARG;
  }

  /* The IDAT chunks, consecutive; one is inflated where it lies, several are joined first. */
  size_t idat_start = pos, idat_total = 0, idat_count = 0, end = pos;
  while (n - end >= 12 && be32(data + end + 4) == chunk_type("IDAT")) {
    uint32_t length = be32(data + end);
    if (length > PNG_MAX_CHUNK || length > n - end - 12) return PNG_FAST_DECLINED;
    if (idat_count > 0 && libdeflate_crc32(0, data + end + 4, (size_t) length + 4) !=
                              be32(data + end + 8 + length)) {
      return PNG_FAST_DECLINED; /* the first IDAT's CRC is checked above */
    }
    idat_total += length;
    idat_count++;
    end += (size_t) length + 12;
  }

  size_t bpp_bits = (size_t) channels_of(type) * (size_t) depth;
  size_t rb = ((size_t) w * bpp_bits + 7) / 8, bpp = bpp_bits < 8 ? 1 : bpp_bits / 8;
  size_t raw_len = (size_t) h * (rb + 1); /* w, h <= 10^6: at most 8 * 10^12 + 10^6 */
  uint8_t *joined = NULL, *raw = malloc(raw_len + 16), *zeros = calloc(rb + 16, 1);
  const uint8_t *zdata = data + idat_start + 8;
  if (idat_count > 1) {
    joined = malloc(idat_total);
    if (joined != NULL) {
      uint8_t *j = joined;
      for (size_t p = idat_start; p < end; p += (size_t) be32(data + p) + 12) {
        memcpy(j, data + p + 8, be32(data + p));
        j += be32(data + p);
      }
    }
    zdata = joined;
  }
  if (raw == NULL || zeros == NULL || zdata == NULL) {
    free(raw);
    free(zeros);
    free(joined);
    set_err(q->err, q->err_cap, "out of memory for a %ux%u PNG", w, h);
    return STOKER_E_NOMEM;
  }
  int32_t status = PNG_FAST_DECLINED;
  struct libdeflate_decompressor *inflater = libdeflate_alloc_decompressor();
  if (inflater == NULL) {
    set_err(q->err, q->err_cap, "out of memory for a PNG inflater");
    status = STOKER_E_NOMEM;
  } else if (libdeflate_zlib_decompress(inflater, zdata, idat_total, raw, raw_len, NULL) == 0) {
    int32_t last = q->y + q->h; /* rows below the region are inflated but not unfiltered */
    const uint8_t *prior = zeros;
    int ok = 1;
    for (int32_t y = 0; y < last && ok; y++) {
      uint8_t *row = raw + (size_t) y * (rb + 1);
      ok = unfilter(row[0], row + 1, prior, rb, bpp);
      prior = row + 1;
    }
    if (ok) {
      for (int32_t y = 0; y < q->h; y++) {
        row_to_rgb(raw + (size_t) (q->y + y) * (rb + 1) + 1, type, depth, palette, q->x, q->w,
                   q->out + (ptrdiff_t) y * q->stride);
      }
      status = STOKER_OK;
    }
  }
  if (inflater != NULL) libdeflate_free_decompressor(inflater);
  free(raw);
  free(zeros);
  free(joined);
  return status;
}

#endif /* STOKER_PNG_LIBDEFLATE */

/* ---------------------------------------------------------------- dispatch */

API const char *stoker_png_reader(void) {
#ifdef STOKER_PNG_LIBDEFLATE
  return "libdeflate";
#else
  return "libpng";
#endif
}

int32_t stoker_png_decode(const uint8_t *data, int64_t len, request *q) {
  if ((q->flags & STOKER_DECODE_PNG_LIBPNG) == 0) {
#ifdef STOKER_PNG_LIBDEFLATE
    int32_t status = png_decode_fast(data, len, q);
    if (status != PNG_FAST_DECLINED) return status;
#endif
    if (q->flags & STOKER_DECODE_PNG_NO_FALLBACK) {
      set_err(q->err, q->err_cap, "the libdeflate PNG reader declines this file (or is not built in)");
      return STOKER_E_UNSUPPORTED;
    }
  }
  return png_decode_libpng(data, len, q);
}
