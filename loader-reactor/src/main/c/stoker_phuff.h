/*
 * What stoker_phuff.c (the progressive Huffman decoder), stoker_shuff.c (the sequential one) and
 * stoker_phuff_table.c (their tables) share: tables, bit reader, marker and restart checks.
 * Include after stdio.h, jpeglib.h and jpegint.h.
 */
#ifndef STOKER_PHUFF_H
#define STOKER_PHUFF_H

#include <stdint.h>
#include <string.h>

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

/* The bit reader: MSB-first 64-bit buffer; after a marker or the data's end, zero bits. */
typedef struct {
  const uint8_t *p, *end;
  uint64_t bb;    /* the next `bits` bits, left-aligned */
  int bits;
  int at_marker;  /* p is at a marker (0xFF, then a byte other than 0): only zeros are added */
  int64_t fake;   /* zero bits added at the marker: consuming any of them gives up */
} ph_bits;

static inline int no_ff(uint64_t v) {
  uint64_t x = ~v; /* a 0xFF byte of v is a zero byte of x */
  return ((x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull) == 0;
}

/* Fills b to more than 56 bits. */
static inline void refill(ph_bits *b) {
  if (!b->at_marker && b->end - b->p >= 8) {
    uint64_t v;
    memcpy(&v, b->p, 8);
    v = __builtin_bswap64(v);
    if (no_ff(v)) {
      int n = (63 - b->bits) >> 3; /* whole bytes that fit: 1..7 */
      b->bb |= (v & ~(~0ull >> (8 * n))) >> b->bits;
      b->p += n;
      b->bits += 8 * n;
      return;
    }
  }
  while (b->bits <= 56) {
    uint64_t c = 0;
    if (!b->at_marker && b->p < b->end) {
      c = *b->p;
      if (c == 0xFF) {
        if (b->p + 1 < b->end && b->p[1] == 0) {
          b->p += 2;
        } else {
          b->at_marker = 1; /* FF FF and FF at the end too: the checks at the scan's end decide */
          continue;
        }
      } else {
        b->p++;
      }
    } else {
      b->at_marker = 1;
      b->fake += 8;
    }
    b->bb |= c << (56 - b->bits);
    b->bits += 8;
  }
}

static inline uint32_t peek(const ph_bits *b, int n) { return (uint32_t) (b->bb >> (64 - n)); }
static inline void skip(ph_bits *b, int n) { b->bb <<= n; b->bits -= n; }
static inline uint32_t get(ph_bits *b, int n) { /* n in 1..31 */
  uint32_t v = peek(b, n);
  skip(b, n);
  return v;
}

/* The next symbol, or -1 for a code that is not in t; needs 16 bits in b. */
static inline int ph_decode(ph_bits *b, const ph_table *t) {
  uint32_t e = t->fast[peek(b, LUT_BITS)];
  if (__builtin_expect(e != 0, 1)) {
    skip(b, (int) (e >> 8));
    return (int) (e & 255);
  }
  for (int l = LUT_BITS + 1; l <= 16; l++) {
    int32_t code = (int32_t) peek(b, l);
    if (code <= t->maxcode[l]) {
      skip(b, l);
      return t->vals[(t->valoff[l] + code) & 255];
    }
  }
  return -1;
}

/* v, s bits read, as the signed value it codes (T.81 F.2.2.1); s in 1..16. */
static inline int extend(uint32_t v, int s) { return v < (1u << (s - 1)) ? (int) v - (1 << s) + 1 : (int) v; }

/* Whether all bits before the marker have been used but for the last byte's padding. */
static inline int only_padding_left(const ph_bits *b) {
  int64_t real = (int64_t) b->bits - b->fake;
  return real >= 0 && real < 8;
}

/* The position of the marker at p (0xFF, any 0xFF fill, then a byte other than 0), or NULL. */
static inline const uint8_t *marker_at(const uint8_t *p, const uint8_t *end) {
  if (p >= end || *p != 0xFF) return NULL;
  const uint8_t *q = p;
  while (q < end && *q == 0xFF) q++;
  return q < end && *q != 0 ? q : NULL;
}

/* A restart boundary (T.81 E.2.4), for both decoders: the data before it used up but for padding,
 * then RSTn with n = *next_rst; moves b past the marker with an empty buffer, advances *next_rst
 * (and libjpeg's copy of it). Returns NULL, or why the decoder gives up (b untouched). */
static inline const char *ph_restart(j_decompress_ptr cinfo, ph_bits *b, int *next_rst) {
  if (!only_padding_left(b)) return "data before a restart marker not used up";
  const uint8_t *m = marker_at(b->p, b->end);
  if (m == NULL || *m != JPEG_RST0 + *next_rst) return "restart marker missing or out of order";
  b->p = m + 1;
  b->bb = 0;
  b->bits = 0;
  b->at_marker = 0;
  b->fake = 0;
  *next_rst = (*next_rst + 1) & 7;
  cinfo->marker->next_restart_num = *next_rst;
  return NULL;
}

#endif /* STOKER_PHUFF_H */
