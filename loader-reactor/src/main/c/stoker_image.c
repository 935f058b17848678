/*
 * stoker_image: JPEG (libjpeg-turbo) decoding into a caller's RGB buffer, and the API that sniffs
 * JPEG or PNG and dispatches (PNG decoding lives in stoker_png.c).
 *
 * Design notes
 * - libjpeg and libpng report fatal errors by longjmp. Every setjmp lives in the frame that called
 *   into the library (here for libjpeg, in stoker_png.c for libpng), so a longjmp never crosses a
 *   frame of the caller (for Stoker: a Java frame, which it must never unwind).
 * - No global or static mutable state: each call owns its decompressor, error context and
 *   buffers, so calls on many threads at once are safe.
 * - Pixels come out as packed RGB uint8. Grayscale is decoded as one channel and expanded to RGB; Adobe CMYK/YCCK is
 *   converted to RGB with the inverted convention Photoshop writes; PNG alpha is dropped (not
 *   composited), as PIL's convert("RGB") does; 16-bit PNG samples are scaled to 8 bits.
 * - A region is decoded without touching more of the file than needed: JPEG crops to iMCU
 *   columns (jpeg_crop_scanline), skips the rows above (jpeg_skip_scanlines) and stops after
 *   the rows below; PNG stops reading after the last needed row (non-interlaced files).
 * - Progressive Huffman files are entropy-decoded by stoker_phuff.c (installed at the first
 *   progress call), single-scan sequential ones by stoker_shuff.c (installed after
 *   jpeg_start_decompress); both give up to libjpeg's decoder on anything but clean data.
 * - EXIF orientation and the colour conversions outside libjpeg live in stoker_pixels.c.
 */
#include "stoker_internal.h"

#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>
#include <jpegint.h> /* struct jpeg_marker_reader: see skip_scan_rest */

static int sniff(const uint8_t *d, int64_t n) {
  if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) return STOKER_FORMAT_JPEG;
  if (n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0) return STOKER_FORMAT_PNG;
  return 0;
}

/* The message names no byte of the input: it travels in FAILED frames and logs, and the input may
   be any file a dataset named (a key, a password file), not an image at all. */
static int32_t not_an_image(const uint8_t *d, int64_t n, char *err, int32_t cap) {
  (void) d;
  if (n <= 0) {
    set_err(err, cap, "empty input");
  } else {
    set_err(err, cap, "not a JPEG or PNG image (%lld bytes, neither signature at the start)", (long long) n);
  }
  return STOKER_E_FORMAT;
}

/* v / s rounded to nearest, halves up; the size contract shared with the Java side. */
static int32_t scaled(int32_t v, int32_t s) { return (int32_t) (((int64_t) v + s / 2) / s); }

static int jpeg_orientation(j_decompress_ptr cinfo) {
  for (jpeg_saved_marker_ptr m = cinfo->marker_list; m != NULL; m = m->next) {
    if (m->marker == JPEG_APP0 + 1) {
      int o = stoker_exif_orientation(m->data, m->data_length);
      if (o != 1) return o;
    }
  }
  return 1;
}

/* ---------------------------------------------------------------- JPEG */

typedef struct {
  struct jpeg_error_mgr pub; /* first, so a j_common_ptr's err casts to this */
  struct jpeg_progress_mgr progress;
  jmp_buf jump;
  char *err;
  int32_t err_cap;
  int32_t warnings;
  int32_t max_scans;   /* > 0: more scans than this is a limit failure */
  int64_t max_memory;  /* > 0: libjpeg's max_memory_to_use, for the message */
  int32_t limit;       /* set when a longjmp is for a limit, not for corrupt data */
  int32_t keep_rows;   /* > 0: a multi-scan file's scans need only iMCU rows < keep_rows (+ margin) */
  int32_t fast;        /* stoker_phuff.c's decoder, installed at the first progress call
                          (progressive Huffman), or stoker_shuff.c's, after jpeg_start_decompress
                          (single-scan Huffman); not under STOKER_DECODE_JPEG_LIBJPEG_ENTROPY */
  int32_t no_fallback; /* STOKER_DECODE_JPEG_NO_FALLBACK */
  int32_t installed;   /* stoker_phuff.c's decoder (which cuts the scans itself) or stoker_shuff.c's
                          is in place */
  stoker_phuff_link phuff; /* its link; phuff.skipped_scan: the scan whose rest was skipped last */
} jpeg_ctx;

static void jpeg_on_error(j_common_ptr cinfo) {
  jpeg_ctx *c = (jpeg_ctx *) cinfo->err;
  if (c->max_memory > 0 && c->pub.msg_code == JERR_NO_BACKING_STORE) {
    /* jmemnobs has no backing store: a virtual array over max_memory_to_use lands here. */
    set_err(c->err, c->err_cap,
            "JPEG needs more than the decoder memory limit of %lld bytes (a progressive or "
            "multi-scan file keeps the whole image's coefficients)", (long long) c->max_memory);
    c->limit = 1;
  } else {
    char msg[JMSG_LENGTH_MAX];
    c->pub.format_message(cinfo, msg);
    set_err(c->err, c->err_cap, "%s", msg);
  }
  longjmp(c->jump, 1);
}

/*
 * Progressive (and other multi-scan) files: jpeg_start_decompress entropy-decodes every scan over
 * the whole image before the first row comes out, so the rows below a region cost as much as the
 * rows in it. When a scan's data has been decoded past the rows the region needs, this moves the
 * input to the next marker after it (the next scan's tables or SOS, or EOI): libjpeg then finds
 * the marker where it expected more data, fills the rest of the scan's blocks with zeros (rows the
 * output never reads) and goes on with the next scan. Each scan keeps its rows above the cut
 * exact, so the region's pixels are those of a full decode.
 *
 * The rows kept past the region's last iMCU row: none for a component at full vertical
 * resolution; one for a component that fancy upsampling stretches vertically (its rows below the
 * region's last are the context of the last output rows, and the main controller decodes that
 * iMCU row before it emits them). Block smoothing, which libjpeg applies to a progressive file
 * whose coefficients stay incomplete after the last scan, reads blocks two block rows further
 * down (jdcoefct.c, decompress_smooth_data); such a file is decoded again without skipping
 * (may_smooth), so its bytes do not change either.
 */
int32_t stoker_last_row_needed(j_decompress_ptr d, int32_t keep_rows) {
  int32_t last = keep_rows - 1;
  for (int i = 0; i < d->comps_in_scan; i++) {
    if (d->cur_comp_info[i]->v_samp_factor < d->max_v_samp_factor) return last + 1;
  }
  return last;
}

/* Whether libjpeg will block-smooth this file's output: a progressive file with smoothing on and
 * any of the coefficients it smooths (jdcoefct.c's SAVED_COEFS: the DC and the first nine AC) not
 * at full precision after the last scan. Conservative: any doubt counts as smoothing. */
static int may_smooth(j_decompress_ptr d) {
  if (!d->progressive_mode || !d->do_block_smoothing) return 0;
  if (d->coef_bits == NULL) return 1;
  for (int ci = 0; ci < d->num_components; ci++) {
    for (int k = 0; k < 10; k++) {
      if (d->coef_bits[ci][k] != 0) return 1;
    }
  }
  return 0;
}

static int is_rst(int marker) { return marker >= 0xD0 && marker <= 0xD7; }

/* Moves the source to the next marker that is not RSTn (0xFF, then a byte not 0x00, 0xFF or
 * 0xD0-0xD7); returns 0, touching nothing, when there is none (a truncated file keeps its
 * "premature end" warning). */
static int skip_scan_rest(j_decompress_ptr d) {
  struct jpeg_source_mgr *src = d->src;
  const uint8_t *p = src->next_input_byte, *end = p + src->bytes_in_buffer;
  while (p + 1 < end) {
    const uint8_t *ff = memchr(p, 0xFF, (size_t) (end - p - 1));
    if (ff == NULL) return 0;
    uint8_t m = ff[1];
    if (m != 0x00 && m != 0xFF && (m < 0xD0 || m > 0xD7)) {
      src->bytes_in_buffer -= (size_t) (ff - src->next_input_byte);
      src->next_input_byte = ff;
      return 1;
    }
    p = ff + 1;
  }
  return 0;
}

/* libjpeg calls this between units of input (an iMCU row or a marker): stop after max_scans;
 * skip the rest of a multi-scan file's scan below the region (see stoker_last_row_needed). */
static void jpeg_on_progress(j_common_ptr cinfo) {
  jpeg_ctx *c = (jpeg_ctx *) cinfo->err;
  j_decompress_ptr d = (j_decompress_ptr) cinfo;
  if (c->max_scans > 0 && d->input_scan_number > c->max_scans) {
    set_err(c->err, c->err_cap, "JPEG has more than the limit of %d scans", c->max_scans);
    c->limit = 1;
    longjmp(c->jump, 1);
  }
  if (c->fast && !c->installed) {
    /* The first call: libjpeg has built its modules and set up scan 1, whose data is next. */
    c->fast = 0;
    c->installed = stoker_phuff_install(d, &c->phuff);
    if (!c->installed && c->no_fallback && d->progressive_mode && !d->arith_code) {
      c->phuff.why = "not installed";
      longjmp(c->jump, 1);
    }
  }
  if (c->keep_rows <= 0 || c->installed) return;
  int32_t row = (int32_t) d->input_iMCU_row, rows = (int32_t) d->total_iMCU_rows;
  if (c->phuff.skipped_scan == d->input_scan_number && row >= rows) {
    /* Between the skipped scan and the next: the bits libjpeg dropped at its restart markers
     * would be reported as extraneous bytes at the next marker, after this scan's number. */
    d->marker->discarded_bytes = 0;
  } else if (row < rows && (d->unread_marker == 0 || is_rst(d->unread_marker)) &&
             c->phuff.skipped_scan != d->input_scan_number &&
             row > stoker_last_row_needed(d, c->keep_rows) && skip_scan_rest(d)) {
    c->phuff.skipped_scan = d->input_scan_number;
  }
}

/* Counts warnings (level -1: corrupt data) and keeps the first one's text; prints nothing. */
static void jpeg_on_message(j_common_ptr cinfo, int level) {
  jpeg_ctx *c = (jpeg_ctx *) cinfo->err;
  if (level >= 0 || c->pub.msg_code == JWRN_JFIF_MAJOR) return;
  /* A skipped scan's rest: the marker where data was expected, the restart markers it no longer
   * finds, bits of the skipped data decoded into rows below the region. Data before the skip
   * point had been decoded already, and warned about, when the skip happened. */
  int32_t skipped = c->phuff.skipped_scan;
  if (skipped != 0 && skipped == ((j_decompress_ptr) cinfo)->input_scan_number) return;
  c->pub.num_warnings++;
  if (c->warnings++ == 0) {
    char msg[JMSG_LENGTH_MAX];
    c->pub.format_message(cinfo, msg);
    set_err(c->err, c->err_cap, "%s", msg);
  }
}

static void jpeg_on_output(j_common_ptr cinfo) { (void) cinfo; }

static void jpeg_ctx_init(j_decompress_ptr cinfo, jpeg_ctx *c, char *err, int32_t cap) {
  memset(cinfo, 0, sizeof *cinfo);
  memset(c, 0, sizeof *c);
  cinfo->err = jpeg_std_error(&c->pub);
  c->pub.error_exit = jpeg_on_error;
  c->pub.emit_message = jpeg_on_message;
  c->pub.output_message = jpeg_on_output;
  c->err = err;
  c->err_cap = cap;
}

static int32_t jpeg_header(const uint8_t *data, int64_t len, int32_t *info, char *err,
                           int32_t cap) {
  struct jpeg_decompress_struct cinfo;
  jpeg_ctx c;
  jpeg_ctx_init(&cinfo, &c, err, cap);
  if (setjmp(c.jump)) {
    jpeg_destroy_decompress(&cinfo);
    return STOKER_E_CORRUPT;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data, (unsigned long) len);
  jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xFFFF);
  jpeg_read_header(&cinfo, TRUE);
  int o = jpeg_orientation(&cinfo);
  int32_t w = (int32_t) cinfo.image_width, h = (int32_t) cinfo.image_height;
  info[STOKER_INFO_WIDTH] = stoker_transposes(o) ? h : w;
  info[STOKER_INFO_HEIGHT] = stoker_transposes(o) ? w : h;
  info[STOKER_INFO_FORMAT] = STOKER_FORMAT_JPEG;
  info[STOKER_INFO_ORIENTATION] = o;
  info[STOKER_INFO_STORED_WIDTH] = w;
  info[STOKER_INFO_STORED_HEIGHT] = h;
  info[STOKER_INFO_COMPONENTS] = cinfo.num_components;
  jpeg_destroy_decompress(&cinfo);
  return STOKER_OK;
}

/*
 * libjpeg's color_convert hook for a CMYK file (jpeg_color_space JCS_CMYK, not YCCK): writes RGB,
 * 3 bytes a pixel, where libjpeg-turbo 2.1's null_convert interleaves the four planes into CMYK
 * with a scalar loop, which stoker_cmyk_to_rgb then read again. Same arithmetic, same bytes.
 */
static void convert_cmyk_rows(j_decompress_ptr cinfo, JSAMPIMAGE in, JDIMENSION row,
                              JSAMPARRAY out, int num_rows) {
  uint32_t flip = cinfo->saw_Adobe_marker ? 0 : 255;
  for (int r = 0; r < num_rows; r++, row++) {
    stoker_cmyk_planes_to_rgb(in[0][row], in[1][row], in[2][row], in[3][row], out[r],
                       (uint32_t) cinfo->output_width, flip);
  }
}

/*
 * Whether jpeg_crop_scanline gives the same pixels as a full-width decode for this file's
 * sampling factors. libjpeg-turbo 2.1 (Debian 12) does not for 4x2 and 2x4 subsampling at a DCT
 * scale: the right part of each cropped row came from uninitialised heap memory (fixed upstream
 * in 3.0). Only the ratios that NativeSubsamplingTest checks region by region are trusted:
 * each component subsampled by 1, 2 or 4 in each direction, by at most 4 in all.
 */
static int crop_is_safe(j_decompress_ptr cinfo) {
  for (int i = 0; i < cinfo->num_components; i++) {
    const jpeg_component_info *c = &cinfo->comp_info[i];
    if (c->h_samp_factor <= 0 || c->v_samp_factor <= 0) return 0;
    if (cinfo->max_h_samp_factor % c->h_samp_factor != 0) return 0;
    if (cinfo->max_v_samp_factor % c->v_samp_factor != 0) return 0;
    int h = cinfo->max_h_samp_factor / c->h_samp_factor;
    int v = cinfo->max_v_samp_factor / c->v_samp_factor;
    if ((h != 1 && h != 2 && h != 4) || (v != 1 && v != 2 && v != 4) || h * v > 4) return 0;
  }
  return 1;
}

/* jpeg_decode_pass found that a file it skipped scans of will be block-smoothed: decode again. */
#define AGAIN_WITHOUT_SKIPPING 1
/* stoker_phuff.c's or stoker_shuff.c's decoder gave up on the file: decode again with libjpeg's. */
#define AGAIN_WITH_LIBJPEG 2

static int32_t jpeg_decode_pass(const uint8_t *data, int64_t len, request *q, int may_skip,
                                int fast) {
  struct jpeg_decompress_struct cinfo;
  jpeg_ctx c;
  uint8_t *volatile tmp = NULL;
  jpeg_ctx_init(&cinfo, &c, q->err, q->err_cap);
  c.max_scans = q->max_scans;
  c.max_memory = q->max_memory;
  c.fast = fast;
  c.no_fallback = (q->flags & STOKER_DECODE_JPEG_NO_FALLBACK) != 0;
  c.phuff.jump = &c.jump;
  if (setjmp(c.jump)) {
    q->warnings = c.warnings;
    jpeg_destroy_decompress(&cinfo);
    free(tmp);
    if (c.phuff.why != NULL && !c.limit) {
      if (!c.no_fallback) return AGAIN_WITH_LIBJPEG;
      set_err(q->err, q->err_cap, "the fast Huffman decoder declined the file: %s", c.phuff.why);
      return STOKER_E_UNSUPPORTED;
    }
    return c.limit ? STOKER_E_LIMIT : STOKER_E_CORRUPT;
  }
  jpeg_create_decompress(&cinfo);
  if (q->max_memory > 0) cinfo.mem->max_memory_to_use = (long) q->max_memory;
  c.progress.progress_monitor = jpeg_on_progress;
  cinfo.progress = &c.progress;
  jpeg_mem_src(&cinfo, data, (unsigned long) len);
  jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xFFFF);
  jpeg_read_header(&cinfo, TRUE);

  int32_t sw = (int32_t) cinfo.image_width, sh = (int32_t) cinfo.image_height;
  int32_t status = STOKER_OK;
  int o = jpeg_orientation(&cinfo);
  int32_t iw = stoker_transposes(o) ? sh : sw, ih = stoker_transposes(o) ? sw : sh;
  if ((int64_t) sw * sh > q->max_pixels) {
    status = too_many_pixels(iw, ih, q->max_pixels, q->err, q->err_cap);
  } else if ((int64_t) q->x + q->w > iw || (int64_t) q->y + q->h > ih) {
    set_err(q->err, q->err_cap, "region %d,%d %dx%d outside the %dx%d image", q->x, q->y, q->w,
            q->h, iw, ih);
    status = STOKER_E_ARG;
  }
  switch (cinfo.jpeg_color_space) {
    case JCS_GRAYSCALE: cinfo.out_color_space = JCS_GRAYSCALE; break; /* expanded by stoker_gray_to_rgb */
    case JCS_YCbCr: case JCS_RGB: cinfo.out_color_space = JCS_RGB; break;
    case JCS_CMYK: case JCS_YCCK: cinfo.out_color_space = JCS_CMYK; break;
    default:
      if (status == STOKER_OK) {
        set_err(q->err, q->err_cap, "unsupported JPEG color space %d with %d components",
                (int) cinfo.jpeg_color_space, cinfo.num_components);
        status = STOKER_E_UNSUPPORTED;
      }
  }
  if (status != STOKER_OK) {
    jpeg_destroy_decompress(&cinfo);
    return status;
  }

  int32_t r[4];
  stoker_unorient(o, sw, sh, q, r);
  int32_t dw = stoker_transposes(o) ? q->out_h : q->out_w, dh = stoker_transposes(o) ? q->out_w : q->out_h;
  uint8_t *dst = q->out;
  ptrdiff_t dst_stride = (ptrdiff_t) q->stride;
  if (o != 1) {
    tmp = malloc((size_t) dw * dh * 3 + 1); /* + 1: stoker_orient_copy's 4-byte loads */
    if (tmp == NULL) {
      jpeg_destroy_decompress(&cinfo);
      set_err(q->err, q->err_cap, "out of memory for a %dx%d region", dw, dh);
      return STOKER_E_NOMEM;
    }
    dst = tmp;
    dst_stride = (ptrdiff_t) dw * 3;
  }

  cinfo.scale_num = 1;
  cinfo.scale_denom = (unsigned int) q->scale;
  jpeg_calc_output_dimensions(&cinfo);
  int32_t full_w = (int32_t) cinfo.output_width, full_h = (int32_t) cinfo.output_height;
  if (dw > full_w || dh > full_h) ERREXIT(&cinfo, JERR_BAD_CROP_SPEC);
  int32_t ox = scaled(r[0], q->scale), oy = scaled(r[1], q->scale);
  if (ox > full_w - dw) ox = full_w - dw;
  if (oy > full_h - dh) oy = full_h - dh;
  if (may_skip && jpeg_has_multiple_scans(&cinfo) && !(q->flags & STOKER_DECODE_CHECK_ALL)) {
    /* Every scan is read in jpeg_start_decompress: only the iMCU rows down to the region's last
     * (and a margin) are entropy-decoded. A strict decode reads them all, to see any corruption. */
    int32_t imcu_h = cinfo.max_v_samp_factor * cinfo.min_DCT_scaled_size;
    if (imcu_h > 0) c.keep_rows = (oy + dh - 1) / imcu_h + 1;
  }
  c.phuff.keep_rows = c.keep_rows;
  jpeg_start_decompress(&cinfo);
  if (c.fast && !c.installed) { /* a single-scan file: stoker_shuff.c's decoder */
    c.fast = 0;
    c.installed = stoker_shuff_install(&cinfo, &c.phuff);
    if (!c.installed && c.no_fallback && !cinfo.arith_code) {
      c.phuff.why = "not installed";
      longjmp(c.jump, 1);
    }
  }
  if (c.phuff.skipped_scan != 0 && may_smooth(&cinfo)) {
    jpeg_destroy_decompress(&cinfo);
    free(tmp);
    return AGAIN_WITHOUT_SKIPPING;
  }

  /* Crop with a margin, so fancy upsampling at the region's edges sees real neighbors. */
  JDIMENSION xoff = 0, cw = (JDIMENSION) full_w;
  /* Not for a block-smoothed file either: libjpeg-turbo 2.1 smooths a cropped row with the wrong
   * neighbouring blocks (its pixels differ from a full decode's; NativeProgressiveRegionTest). */
  if (dw < full_w && crop_is_safe(&cinfo) && !may_smooth(&cinfo)) { /* else: full rows, copied out */
    int32_t left = ox > 0 ? ox - 1 : 0, right = ox + dw + 16 < full_w ? ox + dw + 16 : full_w;
    xoff = (JDIMENSION) left;
    cw = (JDIMENSION) (right - left);
    if ((int32_t) cw < full_w) {
      jpeg_crop_scanline(&cinfo, &xoff, &cw);
    } else {
      xoff = 0;
    }
  }
  if (oy > 0 && jpeg_skip_scanlines(&cinfo, (JDIMENSION) oy) != (JDIMENSION) oy) {
    ERREXIT(&cinfo, JERR_BAD_CROP_SPEC);
  }
  int comps = cinfo.output_components;
  if (cinfo.jpeg_color_space == JCS_CMYK && comps == 4) {
    cinfo.cconvert->color_convert = convert_cmyk_rows; /* rows come out as RGB */
    comps = 3;
  }
  int direct = comps == 3 && xoff == (JDIMENSION) ox && cw == (JDIMENSION) dw;
  /*
   * libjpeg-turbo's AVX2 color converter writes a 32-byte aligned row with non-temporal stores,
   * which bypass the cache: the resampler would then read every pixel back from memory (this cost
   * a quarter of the decode time). So rows are decoded into a buffer that starts off that
   * alignment, where the stores stay in cache, or straight into the output row when it is
   * misaligned anyway.
   */
  JSAMPARRAY row = (*cinfo.mem->alloc_sarray)((j_common_ptr) &cinfo, JPOOL_IMAGE,
                                              cw * (JDIMENSION) comps + 64, 1);
  uint8_t *staging = row[0] + (((uintptr_t) row[0] & 31) == 0 ? 1 : 0);
  size_t skip = ((size_t) ox - xoff) * (size_t) comps;
  for (int32_t y = 0; y < dh; y++) {
    uint8_t *d = dst + y * dst_stride;
    int into_output = direct && ((uintptr_t) d & 31) != 0;
    JSAMPROW rp = into_output ? d : staging;
    if (jpeg_read_scanlines(&cinfo, &rp, 1) != 1) ERREXIT(&cinfo, JERR_TOO_LITTLE_DATA);
    if (into_output) continue;
    if (comps == 3) {
      memcpy(d, staging + skip, (size_t) dw * 3);
    } else if (comps == 1) {
      stoker_gray_to_rgb(staging + skip, d, dw);
    } else {
      stoker_cmyk_to_rgb(staging + skip, d, dw, cinfo.saw_Adobe_marker);
    }
  }
  JDIMENSION rest = cinfo.output_height - cinfo.output_scanline;
  if (rest > 0 && (q->flags & STOKER_DECODE_CHECK_ALL)) {
    /* Corrupt data below the region would go unseen, and a Huffman desync that starts inside the
     * region is often noticed only rows later. Skipping whole iMCU rows still entropy-decodes
     * them (no IDCT, no color conversion); skipping to the very end would not, so the last row
     * is read. */
    if (rest > 1) jpeg_skip_scanlines(&cinfo, rest - 1);
    if (jpeg_read_scanlines(&cinfo, row, 1) != 1) ERREXIT(&cinfo, JERR_TOO_LITTLE_DATA);
  }
  if (cinfo.output_scanline == cinfo.output_height) {
    jpeg_finish_decompress(&cinfo); /* reads to EOI: trailing corruption is reported too */
  } else {
    jpeg_abort_decompress(&cinfo);
  }
  q->warnings = c.warnings;
  jpeg_destroy_decompress(&cinfo);
  if (o != 1) {
    stoker_orient_copy(tmp, dst_stride, dw, dh, o, q->out, (ptrdiff_t) q->stride, q->out_w, q->out_h);
    free(tmp);
  }
  return STOKER_OK;
}

/* At most three passes: skipping below the region, then not (a block-smoothed file), each with the
 * fast progressive decoder until it gives up, then with libjpeg's. */
static int32_t jpeg_decode(const uint8_t *data, int64_t len, request *q) {
  int may_skip = 1, fast = !(q->flags & STOKER_DECODE_JPEG_LIBJPEG_ENTROPY);
  for (;;) {
    int32_t status = jpeg_decode_pass(data, len, q, may_skip, fast);
    if (status == AGAIN_WITHOUT_SKIPPING) {
      may_skip = 0;
    } else if (status == AGAIN_WITH_LIBJPEG) {
      fast = 0;
    } else {
      return status;
    }
    if (q->err != NULL && q->err_cap > 0) q->err[0] = '\0';
    q->warnings = 0;
  }
}

/* ---------------------------------------------------------------- API */

API int32_t stoker_abi_version(void) { return STOKER_ABI_VERSION; }

API int32_t stoker_read_header(const uint8_t *data, int64_t len, int32_t *info, char *err,
                               int32_t err_cap) {
  if (err != NULL && err_cap > 0) err[0] = '\0';
  if (info == NULL || (data == NULL && len != 0) || len < 0) {
    set_err(err, err_cap, "bad arguments to stoker_read_header");
    return STOKER_E_ARG;
  }
  memset(info, 0, sizeof(int32_t) * STOKER_INFO_LENGTH);
  switch (sniff(data, len)) {
    case STOKER_FORMAT_JPEG: return jpeg_header(data, len, info, err, err_cap);
    case STOKER_FORMAT_PNG: return stoker_png_header(data, len, info, err, err_cap);
    default: return not_an_image(data, len, err, err_cap);
  }
}

API int32_t stoker_decode(const uint8_t *data, int64_t len, int32_t x, int32_t y, int32_t w,
                          int32_t h, int32_t scale, uint8_t *out, int64_t out_stride,
                          int64_t out_cap, int32_t out_w, int32_t out_h, int64_t max_pixels,
                          int32_t max_scans, int64_t max_memory, int32_t flags,
                          int32_t *warnings, char *err, int32_t err_cap) {
  if (err != NULL && err_cap > 0) err[0] = '\0';
  if (warnings != NULL) *warnings = 0;
  int scale_ok = scale == 1 || scale == 2 || scale == 4 || scale == 8;
  if ((data == NULL && len != 0) || len < 0 || out == NULL || warnings == NULL || !scale_ok ||
      (flags & ~STOKER_DECODE_FLAGS) != 0 ||
      x < 0 || y < 0 || w <= 0 || h <= 0 || out_w != scaled(w, scale) ||
      out_h != scaled(h, scale) || out_stride < (int64_t) out_w * 3 ||
      (int64_t) (out_h - 1) * out_stride + (int64_t) out_w * 3 > out_cap) {
    set_err(err, err_cap, "bad arguments to stoker_decode");
    return STOKER_E_ARG;
  }
  request q = {x, y, w, h, scale, out, out_stride, out_cap, out_w, out_h, max_pixels, max_scans,
               max_memory, flags, 0, err, err_cap};
  int32_t status;
  switch (sniff(data, len)) {
    case STOKER_FORMAT_JPEG: status = jpeg_decode(data, len, &q); break;
    case STOKER_FORMAT_PNG: status = stoker_png_decode(data, len, &q); break;
    default: return not_an_image(data, len, err, err_cap);
  }
  *warnings = q.warnings;
  return status;
}
