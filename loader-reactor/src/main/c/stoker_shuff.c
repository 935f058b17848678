/*
 * stoker_shuff: a fast sequential (baseline) Huffman decoder that stands in for libjpeg-turbo 2.1's
 * jdhuff.c behind libjpeg's decode_mcu hook (ITU T.81 F.2.2).
 *
 * Why: jdhuff.c's decode_mcu_fast looks 8 bits ahead, then reads the size bits and extends them per
 * coefficient; it was about 40% of all CPU of a training-loader decode. This one shares
 * stoker_phuff.c's bit reader (a 64-bit buffer filled 8 bytes at a time over the in-memory file)
 * and tables (a 10-bit lookahead; for AC, one load gives the run, the finished coefficient and the
 * bits used).
 *
 * How it hooks in (stoker_shuff_install, after jpeg_start_decompress returned and before any row
 * is read or skipped): libjpeg's start_pass has run for the only scan; cinfo->entropy becomes this
 * decoder's struct, whose decode_mcu jdcoefct.c calls per MCU (blocks zeroed first) and
 * jpeg_skip_scanlines calls with no blocks (decode, discard). Like jdhuff.c it decodes but does
 * not store the coefficients libjpeg does not need (AC at a 1/8 scale; components not output).
 * After the scan's last MCU it leaves the source at the marker that follows, as libjpeg would.
 *
 * Only the clean path: an invalid code, data ending or a marker before the scan's last MCU, a
 * missing or wrong RSTn, a run past the block's end, a DC size over 11 or a DC value out of int
 * range, or any byte other than padding between the scan's last bits and the next marker: the
 * decoder GIVES UP (longjmp through the link's jmp_buf with link->why set) and the caller decodes
 * the file again with libjpeg's decoder. So damaged files keep libjpeg's errors, warnings and
 * pixels; a valid file's coefficients are those the standard defines, which are libjpeg's too.
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

#define SH_EOB 0x2000u /* ac[] entry flag: the AC end of block (symbol 0), with its code length */

typedef struct {
  struct jpeg_entropy_decoder pub; /* first: cinfo->entropy points here */
  stoker_phuff_link *link;
  ph_table *dc_tbl[NUM_HUFF_TBLS], *ac_tbl[NUM_HUFF_TBLS];
  const ph_table *dc[D_MAX_BLOCKS_IN_MCU], *ac[D_MAX_BLOCKS_IN_MCU];
  int comp[D_MAX_BLOCKS_IN_MCU];     /* the block's component in the scan */
  int dc_needed[D_MAX_BLOCKS_IN_MCU]; /* as jdhuff.c: keep the DC value (the component is output) */
  int ac_needed[D_MAX_BLOCKS_IN_MCU]; /* and the AC coefficients (its IDCT is larger than 1x1) */
  ph_bits br;
  int last_dc[MAX_COMPS_IN_SCAN];
  unsigned int restarts_to_go;
  int next_rst;
  uint64_t mcus_left;                 /* MCUs of the scan not decoded yet */
  uint8_t natural[64 + 16];           /* zigzag index -> natural position */
} sh_state;

__attribute__((noreturn)) static void give_up(j_decompress_ptr cinfo, const char *why) {
  stoker_phuff_link *link = ((sh_state *) cinfo->entropy)->link;
  link->why = why;
  longjmp(*link->jump, 1);
}

static inline int decode(j_decompress_ptr cinfo, ph_bits *b, const ph_table *t) {
  int sym = ph_decode(b, t);
  if (__builtin_expect(sym < 0, 0)) give_up(cinfo, "invalid Huffman code");
  return sym;
}

/* The AC coefficients of one block, into blk when store (else decoded and dropped). */
static inline __attribute__((always_inline)) void ac_block(j_decompress_ptr cinfo, ph_bits *b,
    const ph_table *t, const uint8_t *natural, JCOEF *blk, int store) {
  for (int k = 1; k < 64;) {
    if (b->bits < 16) refill(b);
    uint32_t e = t->ac[peek(b, LUT_BITS)];
    if (e & AC_FAST) { /* code, run and coefficient in one */
      skip(b, (int) (e & 255));
      k += (int) (e >> 8 & 15);
      if (k > 63) give_up(cinfo, "AC run past the block");
      if (store) blk[natural[k]] = (JCOEF) (int16_t) (e >> 16);
      k++;
      continue;
    }
    if (e & SH_EOB) {
      skip(b, (int) (e & 255));
      return;
    }
    int sym = decode(cinfo, b, t), r = sym >> 4, s = sym & 15;
    if (s) {
      k += r;
      if (k > 63) give_up(cinfo, "AC run past the block");
      if (b->bits < s) refill(b);
      int v = extend(get(b, s), s);
      if (store) blk[natural[k]] = (JCOEF) v;
      k++;
    } else if (r == 15) {
      k += 16;
      if (k > 64) give_up(cinfo, "AC run past the block");
    } else {
      return; /* end of block */
    }
  }
}

/* ---------------------------------------------------------------- markers */

static void restart(j_decompress_ptr cinfo, sh_state *st, ph_bits *b) {
  const char *why = ph_restart(cinfo, b, &st->next_rst);
  if (why != NULL) give_up(cinfo, why);
  memset(st->last_dc, 0, sizeof st->last_dc);
  st->restarts_to_go = cinfo->restart_interval;
}

/* ---------------------------------------------------------------- the MCU */

static boolean shuff_decode_mcu(j_decompress_ptr cinfo, JBLOCKROW *blocks) {
  sh_state *st = (sh_state *) cinfo->entropy;
  if (st->mcus_left == 0) give_up(cinfo, "an MCU past the scan's end");
  if (cinfo->restart_interval) {
    if (st->restarts_to_go == 0) restart(cinfo, st, &st->br);
    st->restarts_to_go--;
  }
  ph_bits b = st->br;
  for (int n = 0; n < cinfo->blocks_in_MCU; n++) {
    JCOEF *blk = blocks != NULL ? blocks[n][0] : NULL;
    if (b.bits < 16) refill(&b);
    int diff;
    uint32_t e = st->dc[n]->ac[peek(&b, LUT_BITS)];
    if (e & AC_FAST) { /* code and difference in one */
      skip(&b, (int) (e & 255));
      diff = (int16_t) (e >> 16);
    } else {
      int s = decode(cinfo, &b, st->dc[n]);
      diff = 0;
      if (s) {
        if (s > 11) give_up(cinfo, "DC difference of more than 11 bits");
        if (b.bits < s) refill(&b);
        diff = extend(get(&b, s), s);
      }
    }
    if (st->dc_needed[n]) {
      int ci = st->comp[n], last = st->last_dc[ci];
      if ((last >= 0 && diff > INT32_MAX - last) || (last < 0 && diff < INT32_MIN - last)) {
        give_up(cinfo, "DC coefficient out of range");
      }
      st->last_dc[ci] = last + diff;
      if (blk != NULL) blk[0] = (JCOEF) (last + diff);
    }
    if (blk != NULL && st->ac_needed[n]) {
      ac_block(cinfo, &b, st->ac[n], st->natural, blk, 1);
    } else {
      ac_block(cinfo, &b, st->ac[n], st->natural, NULL, 0);
    }
  }
  if (b.bits < b.fake) give_up(cinfo, "data ended before the scan's last MCU");
  st->br = b;
  if (--st->mcus_left == 0) { /* the scan's end: the source at the marker that follows */
    if (!only_padding_left(&b) || marker_at(b.p, b.end) == NULL) {
      give_up(cinfo, "bytes other than padding after the scan's last MCU");
    }
    cinfo->src->bytes_in_buffer -= (size_t) (b.p - cinfo->src->next_input_byte);
    cinfo->src->next_input_byte = b.p;
  }
  return TRUE;
}

static void shuff_start_pass(j_decompress_ptr cinfo) {
  give_up(cinfo, "a second scan"); /* single-scan files only */
}

static const ph_table *table_for(j_decompress_ptr cinfo, sh_state *st, int dc, int no) {
  if (no < 0 || no >= NUM_HUFF_TBLS) give_up(cinfo, "no such Huffman table");
  JHUFF_TBL *h = dc ? cinfo->dc_huff_tbl_ptrs[no] : cinfo->ac_huff_tbl_ptrs[no];
  if (h == NULL) give_up(cinfo, "missing Huffman table");
  ph_table **slot = dc ? &st->dc_tbl[no] : &st->ac_tbl[no];
  if (*slot == NULL) {
    *slot = (*cinfo->mem->alloc_small)((j_common_ptr) cinfo, JPOOL_IMAGE, sizeof(ph_table));
    ph_table *t = *slot;
    /* ac[]: a DC code with its difference, an AC code with its coefficient (stoker_phuff_table's
     * AC-first entries); here also a zero DC difference and the AC end of block. */
    if (!stoker_phuff_table(t, h, 1, 0, 0)) give_up(cinfo, "invalid Huffman table");
    for (int i = 0; i < LUT_SIZE; i++) {
      if (t->fast[i] != 0 && (t->fast[i] & 255) == 0) t->ac[i] = (dc ? AC_FAST : SH_EOB) | t->fast[i] >> 8;
    }
  }
  return *slot;
}

int stoker_shuff_install(j_decompress_ptr cinfo, stoker_phuff_link *link) {
  if (cinfo->progressive_mode || cinfo->arith_code || cinfo->data_precision != 8 ||
      jpeg_has_multiple_scans(cinfo) || cinfo->entropy == NULL || cinfo->src == NULL ||
      cinfo->output_scanline != 0 || cinfo->input_iMCU_row != 0 || cinfo->unread_marker != 0 ||
      cinfo->src->bytes_in_buffer == 0 || cinfo->blocks_in_MCU > D_MAX_BLOCKS_IN_MCU ||
      cinfo->comps_in_scan > MAX_COMPS_IN_SCAN) {
    return 0;
  }
  sh_state *st = (*cinfo->mem->alloc_small)((j_common_ptr) cinfo, JPOOL_IMAGE, sizeof(sh_state));
  memset(st, 0, sizeof *st);
  st->pub.start_pass = shuff_start_pass;
  st->pub.decode_mcu = shuff_decode_mcu;
  st->link = link;
  struct jpeg_entropy_decoder *lib = cinfo->entropy;
  cinfo->entropy = &st->pub; /* give_up finds the link */
  for (int k = 0; k < 64 + 16; k++) st->natural[k] = (uint8_t) (k < 64 ? jpeg_natural_order[k] & 63 : 63);
  for (int n = 0; n < cinfo->blocks_in_MCU; n++) {
    int ci = cinfo->MCU_membership[n];
    if (ci < 0 || ci >= cinfo->comps_in_scan) give_up(cinfo, "bad MCU layout");
    jpeg_component_info *c = cinfo->cur_comp_info[ci];
    st->comp[n] = ci;
    st->dc[n] = table_for(cinfo, st, 1, c->dc_tbl_no);
    st->ac[n] = table_for(cinfo, st, 0, c->ac_tbl_no);
    st->dc_needed[n] = c->component_needed != 0;
    st->ac_needed[n] = c->component_needed && c->DCT_scaled_size > 1;
  }
  (void) lib;
  st->br.p = cinfo->src->next_input_byte;
  st->br.end = st->br.p + cinfo->src->bytes_in_buffer;
  st->restarts_to_go = cinfo->restart_interval;
  st->next_rst = cinfo->marker->next_restart_num;
  st->mcus_left = (uint64_t) cinfo->MCUs_per_row * cinfo->MCU_rows_in_scan;
  if (st->mcus_left == 0) give_up(cinfo, "an empty scan");
  return 1;
}
