/*
 * stoker_encode: packed RGB uint8 -> baseline JPEG (libjpeg-turbo), 4:2:0 chroma, optimized
 * Huffman tables, into a caller's buffer. Used by `stoker pack` to re-encode shrunk images.
 *
 * Design notes
 * - As in stoker_image.c, the setjmp that libjpeg's fatal errors longjmp to lives in the frame
 *   that calls into libjpeg, so a longjmp never crosses a frame of the caller (a Java frame).
 * - No global mutable state: each call owns its compressor, error context and destination.
 * - The destination writes into the caller's buffer; once that is full the rest goes into a small
 *   scratch buffer that is overwritten and only counted, so a buffer that is too small costs one
 *   wasted encode and yields the exact size needed (STOKER_E_SPACE, *out_len = needed bytes).
 */
#include "stoker_internal.h"

#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <jpeglib.h>

#define SCRATCH_BYTES 4096

typedef struct {
  struct jpeg_error_mgr pub; /* first, so a j_common_ptr's err casts to this */
  jmp_buf jump;
  char *err;
  int32_t err_cap;
} encode_err;

typedef struct {
  struct jpeg_destination_mgr pub; /* first, so cinfo->dest casts to this */
  uint8_t *out;
  int64_t cap;
  int64_t overflow; /* bytes that went to scratch (did not fit in out) */
  int in_scratch;
  uint8_t scratch[SCRATCH_BYTES];
} encode_dest;

static void encode_on_error(j_common_ptr cinfo) {
  encode_err *e = (encode_err *) cinfo->err;
  char msg[JMSG_LENGTH_MAX];
  e->pub.format_message(cinfo, msg);
  set_err(e->err, e->err_cap, "%s", msg);
  longjmp(e->jump, 1);
}

static void encode_on_message(j_common_ptr cinfo, int level) { (void) cinfo; (void) level; }

static void dest_init(j_compress_ptr cinfo) {
  encode_dest *d = (encode_dest *) cinfo->dest;
  if (d->cap > 0) {
    d->pub.next_output_byte = d->out;
    d->pub.free_in_buffer = (size_t) d->cap;
    d->in_scratch = 0;
  } else {
    d->pub.next_output_byte = d->scratch;
    d->pub.free_in_buffer = SCRATCH_BYTES;
    d->in_scratch = 1;
  }
}

/* Called when the current buffer is full: from here on, count into the scratch buffer. */
static boolean dest_empty(j_compress_ptr cinfo) {
  encode_dest *d = (encode_dest *) cinfo->dest;
  if (d->in_scratch) d->overflow += SCRATCH_BYTES;
  d->in_scratch = 1;
  d->pub.next_output_byte = d->scratch;
  d->pub.free_in_buffer = SCRATCH_BYTES;
  return TRUE;
}

static void dest_term(j_compress_ptr cinfo) {
  encode_dest *d = (encode_dest *) cinfo->dest;
  if (d->in_scratch) d->overflow += SCRATCH_BYTES - (int64_t) d->pub.free_in_buffer;
}

API int64_t stoker_encode_jpeg_bound(int32_t w, int32_t h) {
  if (w <= 0 || h <= 0) return -1;
  /* libjpeg-turbo's own worst case for 4:2:0 (tjBufSize): padded to whole MCUs, 3 bytes per pixel
     of the padded image, plus room for the headers. */
  int64_t pw = ((int64_t) w + 15) & ~(int64_t) 15, ph = ((int64_t) h + 15) & ~(int64_t) 15;
  return pw * ph * 3 + 2048;
}

API int32_t stoker_encode_jpeg(const uint8_t *rgb, int32_t w, int32_t h, int64_t stride,
                               int32_t quality, uint8_t *out, int64_t out_cap, int64_t *out_len,
                               char *err, int32_t err_cap) {
  if (err != NULL && err_cap > 0) err[0] = '\0';
  if (rgb == NULL || out_len == NULL || w <= 0 || h <= 0 || w > JPEG_MAX_DIMENSION
      || h > JPEG_MAX_DIMENSION || stride < (int64_t) w * 3 || quality < 1 || quality > 100
      || out_cap < 0 || (out == NULL && out_cap > 0)) {
    set_err(err, err_cap, "bad arguments: %dx%d, stride %lld, quality %d, capacity %lld", w, h,
            (long long) stride, quality, (long long) out_cap);
    return STOKER_E_ARG;
  }
  *out_len = 0;
  struct jpeg_compress_struct cinfo;
  encode_err e;
  encode_dest d;
  memset(&cinfo, 0, sizeof cinfo);
  memset(&e, 0, sizeof e);
  memset(&d, 0, sizeof d);
  cinfo.err = jpeg_std_error(&e.pub);
  e.pub.error_exit = encode_on_error;
  e.pub.emit_message = encode_on_message;
  e.err = err;
  e.err_cap = err_cap;
  d.out = out;
  d.cap = out_cap;
  d.pub.init_destination = dest_init;
  d.pub.empty_output_buffer = dest_empty;
  d.pub.term_destination = dest_term;
  if (setjmp(e.jump)) {
    jpeg_destroy_compress(&cinfo);
    return STOKER_E_CORRUPT;
  }
  jpeg_create_compress(&cinfo);
  cinfo.dest = &d.pub;
  cinfo.image_width = (JDIMENSION) w;
  cinfo.image_height = (JDIMENSION) h;
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  /* 4:2:0: luma at 2x2, both chroma planes at 1x1 */
  cinfo.comp_info[0].h_samp_factor = 2;
  cinfo.comp_info[0].v_samp_factor = 2;
  cinfo.comp_info[1].h_samp_factor = 1;
  cinfo.comp_info[1].v_samp_factor = 1;
  cinfo.comp_info[2].h_samp_factor = 1;
  cinfo.comp_info[2].v_samp_factor = 1;
  cinfo.optimize_coding = TRUE;
  cinfo.dct_method = JDCT_ISLOW;
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = (JSAMPROW) (rgb + (int64_t) cinfo.next_scanline * stride);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  int64_t total;
  if (d.cap > 0 && !d.in_scratch) {
    total = d.cap - (int64_t) d.pub.free_in_buffer;
  } else {
    total = d.cap + d.overflow;
  }
  jpeg_destroy_compress(&cinfo);
  *out_len = total;
  if (total > out_cap) {
    set_err(err, err_cap, "JPEG needs %lld bytes, the buffer holds %lld", (long long) total,
            (long long) out_cap);
    return STOKER_E_SPACE;
  }
  return STOKER_OK;
}
