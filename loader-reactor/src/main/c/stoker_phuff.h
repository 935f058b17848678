/*
 * What stoker_phuff.c (the progressive Huffman decoder) and stoker_phuff_table.c (its tables)
 * share. Include after stdio.h and jpeglib.h.
 */
#ifndef STOKER_PHUFF_H
#define STOKER_PHUFF_H

#include <stdint.h>

#define LUT_BITS 10
#define LUT_SIZE (1 << LUT_BITS)
#define AC_FAST 0x1000u /* ac[] entry flag: a whole symbol with what follows it (see ph_table) */

/* One Huffman table, derived for decoding. */
typedef struct {
  uint16_t fast[LUT_SIZE]; /* next LUT_BITS bits -> (code length << 8) | symbol; 0: longer code */
  int32_t maxcode[18];     /* largest code of each length, -1 where none (T.81 F.2.2.3) */
  int32_t valoff[18];      /* index in vals of the first code of each length, less that code */
  uint8_t vals[256];
  uint32_t ac[LUT_SIZE];   /* AC first: coefficient << 16 | AC_FAST | run << 8 | bits used;
                              AC refinement: sign bit << 16 | AC_FAST | run << 8 | bits used;
                              0: decode with fast[] */
} ph_table;

/* Derives t from libjpeg's table h (which libjpeg's start_pass has validated) for a DC scan, an
 * AC-first scan (ac_first: t->ac gives whole coefficients, scaled by Al) or an AC refinement scan
 * (ac_refine: t->ac gives size-1 symbols with their sign bit). Returns 0 for a table that is not a
 * prefix code. */
int stoker_phuff_table(ph_table *t, const JHUFF_TBL *h, int ac_first, int ac_refine, int Al);

#endif /* STOKER_PHUFF_H */
