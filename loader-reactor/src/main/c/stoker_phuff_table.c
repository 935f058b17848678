/*
 * stoker_phuff_table: the Huffman tables of stoker_phuff.c's progressive decoder (T.81 Annex C and
 * F.2.2.3): canonical codes from the code-length counts, a LUT_BITS lookahead table of code length
 * and symbol, and for AC scans a second table that also holds what follows the code where it fits
 * (the coefficient of an AC-first symbol, the sign bit of a refinement symbol).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jpeglib.h>
#include <jpegint.h>

#include "stoker_phuff.h"

int stoker_phuff_table(ph_table *t, const JHUFF_TBL *h, int ac_first, int ac_refine, int Al) {
  int count = 0;
  for (int l = 1; l <= 16; l++) count += h->bits[l];
  if (count > 256) return 0;
  memcpy(t->vals, h->huffval, (size_t) count);
  memset(t->fast, 0, sizeof t->fast);
  if (ac_first || ac_refine) memset(t->ac, 0, sizeof t->ac);
  uint32_t code = 0;
  int p = 0;
  for (int l = 1; l <= 16; l++) {
    int n = h->bits[l];
    t->valoff[l] = p - (int32_t) code;
    t->maxcode[l] = n > 0 ? (int32_t) (code + n - 1) : -1;
    for (int i = 0; i < n; i++, p++, code++) {
      if (code >= (1u << l)) return 0; /* not a prefix code (libjpeg ERREXITs first) */
      if (l > LUT_BITS) continue;
      int sym = t->vals[p], span = LUT_BITS - l;
      uint32_t first = code << span;
      for (uint32_t j = 0; j < (1u << span); j++) {
        t->fast[first + j] = (uint16_t) (l << 8 | sym);
        int s = sym & 15;
        if (ac_refine && s == 1 && l + 1 <= LUT_BITS) { /* the symbol and its sign bit */
          t->ac[first + j] = (j >> (span - 1) & 1) << 16 | AC_FAST | (uint32_t) (sym >> 4) << 8 | (uint32_t) (l + 1);
        }
        if (!ac_first || s == 0 || l + s > LUT_BITS) continue;
        int v = extend(j >> (span - s) & ((1u << s) - 1), s);
        uint16_t coef = (uint16_t) (int16_t) (int) ((unsigned) v << Al);
        t->ac[first + j] = (uint32_t) coef << 16 | AC_FAST | (uint32_t) (sym >> 4) << 8 | (uint32_t) (l + s);
      }
    }
    code <<= 1;
  }
  t->maxcode[17] = INT32_MAX; /* unused: decode stops at 16 */
  return 1;
}
