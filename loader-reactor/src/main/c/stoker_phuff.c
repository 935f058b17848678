/*
 * stoker_phuff: a fast progressive Huffman decoder that stands in for libjpeg-turbo 2.1's jdphuff.c
 * behind libjpeg's own module hooks (ITU T.81 G.1.2: DC first, DC refine, AC first, AC refine).
 *
 * Why: jdphuff.c decodes an MCU per function-pointer call with a 32-bit-style bit reader that
 * checks for suspension at every symbol; a progressive decode spent 92% of its time there. This
 * one decodes a whole iMCU row per call with a 64-bit bit buffer over the in-memory file, a
 * lookahead table that gives a code's length and symbol (and, in AC-first scans, the extended
 * coefficient too) in one load, and skips AC-first end-of-band runs in bulk.
 *
 * How it hooks in (stoker_phuff_install, at the first progress-monitor call inside
 * jpeg_start_decompress, when libjpeg has built its modules and started scan 1):
 * - cinfo->entropy becomes this decoder's struct; its start_pass calls libjpeg's own (with
 *   cinfo->entropy swapped back for the call), which validates the scan and keeps coef_bits, then
 *   builds this decoder's tables for the scan;
 * - cinfo->coef->consume_data and cinfo->inputctl->consume_input become phuff_consume, which
 *   decodes one iMCU row of the scan straight into the coefficient arrays as jdcoefct.c's
 *   consume_data does, and at the scan's end leaves the source at the next marker.
 *
 * Only the clean path: an invalid code, data ending or a marker before the scan's last MCU, a
 * missing or wrong RSTn, a run past the band's end, a refinement symbol of size other than 1, a
 * DC value out of int range, a warning from libjpeg's start_pass, or any byte other than padding
 * between the scan's last bits and the next marker: the decoder GIVES UP (longjmp through the
 * link's jmp_buf with link->why set) and the caller decodes the file again with libjpeg's decoder.
 * So damaged files keep libjpeg's errors, warnings and pixels; a valid file's coefficients are
 * those the standard defines, which are libjpeg's too.
 *
 * No global mutable state; all memory comes from cinfo->mem's JPOOL_IMAGE.
 */
#include "stoker_internal.h"

#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <jpeglib.h>
#include <jpegint.h>
#include "stoker_phuff.h"
#ifdef __SSE2__
#include <emmintrin.h>
#endif

typedef struct {
  struct jpeg_entropy_decoder pub; /* first: cinfo->entropy points here */
  struct jpeg_entropy_decoder *lib; /* libjpeg's progressive decoder, for start_pass */
  stoker_phuff_link *link;
  ph_table *dc[NUM_HUFF_TBLS], *ac[NUM_HUFF_TBLS];
  const ph_table *scan_dc[MAX_COMPS_IN_SCAN];
  const ph_table *scan_ac;
  ph_bits br;
  unsigned int eobrun;
  int last_dc[MAX_COMPS_IN_SCAN];
  unsigned int restarts_to_go;
  int next_rst;
  uint64_t band_natural;  /* coefficients Ss..Se of the scan, as bits in natural order */
  uint64_t band_zigzag;   /* the same in zigzag order */
  uint8_t zigzag_of[64];  /* natural position -> zigzag index */
} ph_state;

__attribute__((noreturn)) static void give_up(j_decompress_ptr cinfo, const char *why) {
  stoker_phuff_link *link = ((ph_state *) cinfo->entropy)->link;
  link->why = why;
  longjmp(*link->jump, 1);
}

/* ---------------------------------------------------------------- tables */

static const ph_table *table_for(j_decompress_ptr cinfo, ph_state *st, int dc, int no, int Al) {
  if (no < 0 || no >= NUM_HUFF_TBLS) give_up(cinfo, "no such Huffman table");
  JHUFF_TBL *h = dc ? cinfo->dc_huff_tbl_ptrs[no] : cinfo->ac_huff_tbl_ptrs[no];
  if (h == NULL) give_up(cinfo, "missing Huffman table");
  ph_table **slot = dc ? &st->dc[no] : &st->ac[no];
  if (*slot == NULL) {
    *slot = (*cinfo->mem->alloc_small)((j_common_ptr) cinfo, JPOOL_IMAGE, sizeof(ph_table));
  }
  if (!stoker_phuff_table(*slot, h, !dc && cinfo->Ah == 0, !dc && cinfo->Ah != 0, Al)) give_up(cinfo, "invalid Huffman table");
  return *slot;
}

/* ---------------------------------------------------------------- bits */

/* The next symbol; needs 16 bits in b. */
static inline int decode(j_decompress_ptr cinfo, ph_bits *b, const ph_table *t) {
  int sym = ph_decode(b, t);
  if (__builtin_expect(sym < 0, 0)) give_up(cinfo, "invalid Huffman code");
  return sym;
}

/* ---------------------------------------------------------------- blocks */

static inline void dc_first(j_decompress_ptr cinfo, ph_state *st, ph_bits *b, JCOEF *blk, int ci) {
  if (b->bits < 32) refill(b);
  int s = decode(cinfo, b, st->scan_dc[ci]);
  int diff = s ? extend(get(b, s), s) : 0;
  int last = st->last_dc[ci];
  if ((last >= 0 && diff > INT32_MAX - last) || (last < 0 && diff < INT32_MIN - last)) {
    give_up(cinfo, "DC coefficient out of range");
  }
  st->last_dc[ci] = last + diff;
  blk[0] = (JCOEF) (int) ((unsigned) (last + diff) << cinfo->Al);
}

static inline void ac_first(j_decompress_ptr cinfo, ph_state *st, ph_bits *b, JCOEF *blk) {
  const ph_table *t = st->scan_ac;
  int k = cinfo->Ss, Se = cinfo->Se, Al = cinfo->Al;
  while (k <= Se) {
    if (b->bits < 32) refill(b);
    uint32_t e = t->ac[peek(b, LUT_BITS)];
    if (e & AC_FAST) {
      skip(b, (int) (e & 255));
      k += (int) (e >> 8 & 15);
      if (k > Se) give_up(cinfo, "AC run past the band");
      blk[jpeg_natural_order[k]] = (JCOEF) (int16_t) (e >> 16);
      k++;
      continue;
    }
    int sym = decode(cinfo, b, t), r = sym >> 4, s = sym & 15;
    if (s) {
      k += r;
      if (k > Se) give_up(cinfo, "AC run past the band");
      int v = extend(get(b, s), s);
      blk[jpeg_natural_order[k]] = (JCOEF) (int) ((unsigned) v << Al);
      k++;
    } else if (r == 15) {
      k += 16;
    } else {
      st->eobrun = (1u << r) - 1 + (r ? get(b, r) : 0);
      return;
    }
  }
}

/* The block's nonzero coefficients in the band, as bits in zigzag order (bit k: coefficient k). */
static inline uint64_t nonzero_in_band(const ph_state *st, const JCOEF *blk) {
  uint64_t zero = 0; /* natural order */
#ifdef __SSE2__
  __m128i z = _mm_setzero_si128();
  for (int i = 0; i < 4; i++) {
    __m128i a = _mm_cmpeq_epi16(_mm_loadu_si128((const __m128i *) (blk + 16 * i)), z);
    __m128i c = _mm_cmpeq_epi16(_mm_loadu_si128((const __m128i *) (blk + 16 * i + 8)), z);
    zero |= (uint64_t) (uint16_t) _mm_movemask_epi8(_mm_packs_epi16(a, c)) << (16 * i);
  }
#else
  for (int i = 0; i < 64; i++) zero |= (uint64_t) (blk[i] == 0) << i;
#endif
  uint64_t nat = ~zero & st->band_natural, zz = 0;
  while (nat) {
    zz |= 1ull << st->zigzag_of[__builtin_ctzll(nat)];
    nat &= nat - 1;
  }
  return zz;
}

/* Correction bits for the coefficients of m (zigzag bits), in order (T.81 G.1.2.3). */
static inline void correct(ph_bits *b, JCOEF *blk, uint64_t m, int p1) {
  while (m) {
    if (b->bits < 32) refill(b);
    uint64_t bits = b->bb; /* the next bits, one per coefficient of m, taken 32 at a time */
    int n = 0;
    for (; n < 32 && m; n++, m &= m - 1, bits <<= 1) { /* without branches on the (random) bits */
      int pos = jpeg_natural_order[__builtin_ctzll(m)], c = blk[pos];
      int add = (int) (bits >> 63) & ((c & p1) == 0);
      blk[pos] = (JCOEF) (c + ((c >> 31) | 1) * (p1 & -add)); /* |c| grows by p1 */
    }
    skip(b, n);
  }
}

static inline uint64_t from_bit(int k) { return k >= 64 ? 0 : ~0ull << k; }

static inline void ac_refine(j_decompress_ptr cinfo, ph_state *st, ph_bits *b, JCOEF *blk) {
  int k = cinfo->Ss, Se = cinfo->Se, p1 = 1 << cinfo->Al;
  uint64_t nz = nonzero_in_band(st, blk); /* the new nonzero ones lie behind k: never looked at again */
  if (st->eobrun == 0) {
    uint64_t zeros = ~nz & st->band_zigzag;
    for (;;) {
      if (b->bits < 32) refill(b);
      uint32_t e = st->scan_ac->ac[peek(b, LUT_BITS)];
      int r, v = 0;
      if (e & AC_FAST) { /* a new coefficient of size 1 */
        skip(b, (int) (e & 255));
        r = (int) (e >> 8 & 15);
        v = e >> 16 ? p1 : -p1;
      } else {
        int sym = decode(cinfo, b, st->scan_ac), s = sym & 15;
        r = sym >> 4;
        if (s) {
          if (s != 1) give_up(cinfo, "refinement coefficient of size other than 1");
          v = get(b, 1) ? p1 : -p1;
        } else if (r != 15) {
          st->eobrun = (1u << r) + (r ? get(b, r) : 0);
          break;
        }
      }
      /* Pass r zero coefficients (correcting the nonzero ones among them), stopping at the next
       * zero one, which becomes v. */
      int at = k + r;
      uint64_t passed = nz & from_bit(k) & ~from_bit(at + 1);
      if (passed) { /* nonzero ones among them: the (r + 1)th zero one lies further */
        uint64_t z = zeros & from_bit(k);
        for (; r > 0 && z; r--) z &= z - 1;
        if (z == 0) give_up(cinfo, "AC refinement run past the band");
        at = __builtin_ctzll(z);
        correct(b, blk, nz & from_bit(k) & ~from_bit(at), p1);
      } else if (at > Se) {
        give_up(cinfo, "AC refinement run past the band");
      }
      if (v) blk[jpeg_natural_order[at]] = (JCOEF) v;
      k = at + 1;
      if (k > Se) break;
    }
  }
  if (st->eobrun > 0) {
    correct(b, blk, nz & from_bit(k), p1);
    st->eobrun--;
  }
}

/* ---------------------------------------------------------------- markers */

static void restart(j_decompress_ptr cinfo, ph_state *st, ph_bits *b) {
  const char *why = ph_restart(cinfo, b, &st->next_rst);
  if (why != NULL) give_up(cinfo, why);
  memset(st->last_dc, 0, sizeof st->last_dc);
  st->eobrun = 0;
  st->restarts_to_go = cinfo->restart_interval;
}

/* Ends the scan: src at the marker that follows it (as libjpeg's reader would find it). */
static int end_scan(j_decompress_ptr cinfo, const uint8_t *at) {
  cinfo->src->bytes_in_buffer -= (size_t) (at - cinfo->src->next_input_byte);
  cinfo->src->next_input_byte = at;
  cinfo->input_iMCU_row = cinfo->total_iMCU_rows;
  (*cinfo->inputctl->finish_input_pass)(cinfo);
  return JPEG_SCAN_COMPLETED;
}

/* The region cut (stoker_image.c, last_row_needed): the next marker that is not RSTn, or NULL. */
static const uint8_t *next_scan_marker(const uint8_t *p, const uint8_t *end) {
  while (p + 1 < end) {
    const uint8_t *ff = memchr(p, 0xFF, (size_t) (end - p - 1));
    if (ff == NULL) return NULL;
    uint8_t m = ff[1];
    if (m != 0x00 && m != 0xFF && (m < 0xD0 || m > 0xD7)) return ff;
    p = ff + 1;
  }
  return NULL;
}

/* ---------------------------------------------------------------- the scan */

/* One MCU of an interleaved (DC) scan: blocks of each component, as jdcoefct.c lays them out. */
static void interleaved_row(j_decompress_ptr cinfo, ph_state *st, ph_bits *b) {
  JBLOCKARRAY buf[MAX_COMPS_IN_SCAN];
  for (int ci = 0; ci < cinfo->comps_in_scan; ci++) {
    jpeg_component_info *c = cinfo->cur_comp_info[ci];
    buf[ci] = (*cinfo->mem->access_virt_barray)((j_common_ptr) cinfo,
        cinfo->coef->coef_arrays[c->component_index], cinfo->input_iMCU_row * c->v_samp_factor,
        (JDIMENSION) c->v_samp_factor, TRUE);
  }
  int refine = cinfo->Ah != 0, p1 = 1 << cinfo->Al;
  unsigned ri = cinfo->restart_interval;
  for (JDIMENSION mcu = 0; mcu < cinfo->MCUs_per_row; mcu++) {
    if (ri) {
      if (st->restarts_to_go == 0) restart(cinfo, st, b);
      st->restarts_to_go--;
    }
    if (b->bits < 32) refill(b);
    for (int ci = 0; ci < cinfo->comps_in_scan; ci++) {
      jpeg_component_info *c = cinfo->cur_comp_info[ci];
      JDIMENSION col = mcu * (JDIMENSION) c->MCU_width;
      for (int y = 0; y < c->MCU_height; y++) {
        JBLOCKROW row = buf[ci][y] + col;
        for (int x = 0; x < c->MCU_width; x++) {
          if (refine) {
            if (b->bits < 1) refill(b);
            if (get(b, 1)) row[x][0] = (JCOEF) (row[x][0] | p1);
          } else {
            dc_first(cinfo, st, b, row[x], ci);
          }
        }
      }
    }
  }
}

/* A non-interleaved scan's iMCU row: v_samp_factor block rows (fewer at the bottom). */
static void single_row(j_decompress_ptr cinfo, ph_state *st, ph_bits *b) {
  jpeg_component_info *c = cinfo->cur_comp_info[0];
  JBLOCKARRAY buf = (*cinfo->mem->access_virt_barray)((j_common_ptr) cinfo,
      cinfo->coef->coef_arrays[c->component_index], cinfo->input_iMCU_row * c->v_samp_factor,
      (JDIMENSION) c->v_samp_factor, TRUE);
  int rows = cinfo->input_iMCU_row < cinfo->total_iMCU_rows - 1 ? c->v_samp_factor : c->last_row_height;
  int dc = cinfo->Ss == 0, refine = cinfo->Ah != 0, p1 = 1 << cinfo->Al;
  unsigned ri = cinfo->restart_interval;
  JDIMENSION width = c->width_in_blocks;
  for (int y = 0; y < rows; y++) {
    JBLOCKROW row = buf[y];
    for (JDIMENSION x = 0; x < width;) {
      if (ri && st->restarts_to_go == 0) restart(cinfo, st, b);
      if (!dc && !refine && st->eobrun > 0) { /* blocks of an end-of-band run: nothing to do */
        JDIMENSION n = width - x;
        if (st->eobrun < n) n = st->eobrun;
        if (ri && st->restarts_to_go < n) n = st->restarts_to_go;
        st->eobrun -= n;
        x += n;
        if (ri) st->restarts_to_go -= n;
        continue;
      }
      if (dc) {
        if (refine) {
          if (b->bits < 1) refill(b);
          if (get(b, 1)) row[x][0] = (JCOEF) (row[x][0] | p1);
        } else {
          dc_first(cinfo, st, b, row[x], 0);
        }
      } else if (refine) {
        ac_refine(cinfo, st, b, row[x]);
      } else {
        ac_first(cinfo, st, b, row[x]);
      }
      x++;
      if (ri) st->restarts_to_go--;
    }
  }
}

/* cinfo->coef->consume_data and cinfo->inputctl->consume_input while installed. */
static int phuff_consume(j_decompress_ptr cinfo) {
  ph_state *st = (ph_state *) cinfo->entropy;
  stoker_phuff_link *link = st->link;
  if (link->keep_rows > 0 && link->skipped_scan != cinfo->input_scan_number &&
      (int32_t) cinfo->input_iMCU_row > stoker_last_row_needed(cinfo, link->keep_rows)) {
    const uint8_t *m = next_scan_marker(st->br.p, st->br.end);
    if (m != NULL) {
      link->skipped_scan = cinfo->input_scan_number;
      return end_scan(cinfo, m);
    }
  }
  ph_bits b = st->br;
  if (cinfo->comps_in_scan > 1) {
    interleaved_row(cinfo, st, &b);
  } else {
    single_row(cinfo, st, &b);
  }
  st->br = b;
  if (b.bits < b.fake) give_up(cinfo, "data ended before the scan's last block");
  cinfo->master->last_good_iMCU_row = cinfo->input_iMCU_row;
  if (++cinfo->input_iMCU_row < cinfo->total_iMCU_rows) return JPEG_ROW_COMPLETED;
  const uint8_t *m = only_padding_left(&b) ? marker_at(b.p, b.end) : NULL;
  if (m == NULL) give_up(cinfo, "bytes other than padding after the scan's last block");
  return end_scan(cinfo, b.p);
}

static boolean phuff_decode_mcu(j_decompress_ptr cinfo, JBLOCKROW *blocks) {
  (void) blocks;
  give_up(cinfo, "decode_mcu called"); /* consume_data is replaced: never called */
}

/* Per scan: the state and tables, after libjpeg's start_pass has validated the scan. */
static void scan_setup(j_decompress_ptr cinfo, ph_state *st) {
  if (cinfo->unread_marker != 0) give_up(cinfo, "a marker before the scan's data");
  int dc = cinfo->Ss == 0;
  for (int ci = 0; ci < cinfo->comps_in_scan; ci++) {
    jpeg_component_info *c = cinfo->cur_comp_info[ci];
    if (dc && cinfo->Ah == 0) st->scan_dc[ci] = table_for(cinfo, st, 1, c->dc_tbl_no, cinfo->Al);
    if (!dc) st->scan_ac = table_for(cinfo, st, 0, c->ac_tbl_no, cinfo->Al);
  }
  memset(&st->br, 0, sizeof st->br);
  st->br.p = cinfo->src->next_input_byte;
  st->br.end = st->br.p + cinfo->src->bytes_in_buffer;
  st->eobrun = 0;
  memset(st->last_dc, 0, sizeof st->last_dc);
  st->restarts_to_go = cinfo->restart_interval;
  st->next_rst = cinfo->marker->next_restart_num;
  st->pub.insufficient_data = FALSE;
  st->band_natural = 0;
  st->band_zigzag = 0;
  for (int k = cinfo->Ss; k <= cinfo->Se && k < DCTSIZE2; k++) {
    st->band_natural |= 1ull << jpeg_natural_order[k];
    st->band_zigzag |= 1ull << k;
  }
}

static void phuff_start_pass(j_decompress_ptr cinfo) {
  ph_state *st = (ph_state *) cinfo->entropy;
  long warnings = cinfo->err->num_warnings;
  cinfo->entropy = st->lib;
  (*st->lib->start_pass)(cinfo);
  cinfo->entropy = &st->pub;
  if (cinfo->err->num_warnings != warnings) give_up(cinfo, "libjpeg warned at the scan's start");
  scan_setup(cinfo, st);
}

int stoker_phuff_install(j_decompress_ptr cinfo, stoker_phuff_link *link) {
  if (!cinfo->progressive_mode || cinfo->arith_code || cinfo->data_precision != 8) return 0;
  if (cinfo->coef == NULL || cinfo->coef->coef_arrays == NULL || cinfo->entropy == NULL ||
      cinfo->inputctl->consume_input != cinfo->coef->consume_data || cinfo->input_iMCU_row != 0 ||
      cinfo->input_scan_number != 1 || cinfo->src->bytes_in_buffer == 0) {
    return 0;
  }
  ph_state *st = (*cinfo->mem->alloc_small)((j_common_ptr) cinfo, JPOOL_IMAGE, sizeof(ph_state));
  memset(st, 0, sizeof *st);
  st->pub.start_pass = phuff_start_pass;
  st->pub.decode_mcu = phuff_decode_mcu;
  st->lib = cinfo->entropy;
  st->link = link;
  for (int k = 0; k < DCTSIZE2; k++) st->zigzag_of[jpeg_natural_order[k] & 63] = (uint8_t) k;
  cinfo->entropy = &st->pub;
  cinfo->coef->consume_data = phuff_consume;
  cinfo->inputctl->consume_input = phuff_consume;
  scan_setup(cinfo, st); /* scan 1: libjpeg's start_pass has run */
  return 1;
}
