/*
 * Writes the fuzzer's seed corpus: small JPEGs (every subsampling, baseline and progressive,
 * restart intervals, grayscale, CMYK, EXIF orientations) and PNGs (gray 1/2/4/8/16 bits, palette,
 * RGB, RGBA, 16-bit, Adam7), each behind a 4-byte mode prefix (see fuzz_decode.c), with libjpeg's
 * and libpng's own encoders.
 *
 *   gen_seeds DIR
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

static const char *dir;
static int count;

static void save(const unsigned char *data, size_t n, uint8_t mode) {
  char path[4096];
  snprintf(path, sizeof path, "%s/seed-%03d", dir, count++);
  FILE *f = fopen(path, "wb");
  if (f == NULL) { perror(path); exit(1); }
  uint8_t prefix[4] = {mode, (uint8_t) (37 * count), (uint8_t) (91 * count), (uint8_t) (200 - count)};
  fwrite(prefix, 1, 4, f);
  fwrite(data, 1, n, f);
  fclose(f);
}

static uint8_t pixel(int x, int y, int c) {
  return (uint8_t) (c == 0 ? x * 5 + y : c == 1 ? y * 7 ^ x : (x * y) >> 2 ^ c * 40);
}

/* A JPEG of w x h with the given components and sampling factors (h then v per component). */
static void jpeg(int w, int h, int comps, J_COLOR_SPACE cs, const int *hv, int progressive,
                 int restart, int orientation, uint8_t mode) {
  struct jpeg_compress_struct c;
  struct jpeg_error_mgr e;
  unsigned char *buf = NULL;
  unsigned long n = 0;
  c.err = jpeg_std_error(&e);
  jpeg_create_compress(&c);
  jpeg_mem_dest(&c, &buf, &n);
  c.image_width = (JDIMENSION) w;
  c.image_height = (JDIMENSION) h;
  c.input_components = comps;
  c.in_color_space = cs;
  jpeg_set_defaults(&c);
  jpeg_set_quality(&c, 80, TRUE);
  for (int i = 0; i < comps && hv != NULL; i++) {
    c.comp_info[i].h_samp_factor = hv[2 * i];
    c.comp_info[i].v_samp_factor = hv[2 * i + 1];
  }
  if (progressive) jpeg_simple_progression(&c);
  c.restart_in_rows = restart;
  jpeg_start_compress(&c, TRUE);
  if (orientation > 1) {
    static const unsigned char tiff[] = {'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0, 0, 0, 8,
                                         0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
                                         0, 0};
    unsigned char app1[sizeof tiff];
    memcpy(app1, tiff, sizeof tiff);
    app1[25] = (unsigned char) orientation;
    jpeg_write_marker(&c, JPEG_APP0 + 1, app1, sizeof app1);
  }
  JSAMPLE *row = malloc((size_t) w * comps);
  while (c.next_scanline < c.image_height) {
    int y = (int) c.next_scanline;
    for (int x = 0; x < w; x++)
      for (int k = 0; k < comps; k++) row[x * comps + k] = pixel(x, y, k);
    JSAMPROW rp = row;
    jpeg_write_scanlines(&c, &rp, 1);
  }
  jpeg_finish_compress(&c);
  jpeg_destroy_compress(&c);
  save(buf, n, mode);
  free(row);
  free(buf);
}

typedef struct { unsigned char *data; size_t n, cap; } membuf;

static void png_write_mem(png_structp png, png_bytep d, size_t n) {
  membuf *m = png_get_io_ptr(png);
  if (m->n + n > m->cap) {
    m->cap = (m->n + n) * 2;
    m->data = realloc(m->data, m->cap);
  }
  memcpy(m->data + m->n, d, n);
  m->n += n;
}

static void png_flush_mem(png_structp png) { (void) png; }

static void png(int w, int h, int type, int depth, int interlace, uint8_t mode) {
  png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct(p);
  membuf m = {NULL, 0, 0};
  png_set_write_fn(p, &m, png_write_mem, png_flush_mem);
  png_set_IHDR(p, info, (png_uint_32) w, (png_uint_32) h, depth, type,
               interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  if (type == PNG_COLOR_TYPE_PALETTE) {
    png_color pal[256];
    for (int i = 0; i < 256; i++) pal[i] = (png_color) {(png_byte) i, (png_byte) (255 - i), (png_byte) (i * 3)};
    png_set_PLTE(p, info, pal, 1 << depth);
  }
  png_write_info(p, info);
  int channels = type == PNG_COLOR_TYPE_RGB ? 3 : type == PNG_COLOR_TYPE_RGB_ALPHA ? 4
               : type == PNG_COLOR_TYPE_GRAY_ALPHA ? 2 : 1;
  size_t rb = ((size_t) w * channels * depth + 7) / 8;
  png_bytep row = calloc(1, rb);
  int passes = png_set_interlace_handling(p);
  for (int pass = 0; pass < passes; pass++) {
    for (int y = 0; y < h; y++) {
      for (size_t i = 0; i < rb; i++) row[i] = pixel((int) i, y, (int) i % 3);
      png_write_row(p, row);
    }
  }
  png_write_end(p, info);
  png_destroy_write_struct(&p, &info);
  save(m.data, m.n, mode);
  free(row);
  free(m.data);
}

int main(int argc, char **argv) {
  if (argc != 2) { fprintf(stderr, "usage: gen_seeds DIR\n"); return 2; }
  dir = argv[1];
  static const int samplings[][6] = {
      {1, 1, 1, 1, 1, 1}, {2, 1, 1, 1, 1, 1}, {1, 2, 1, 1, 1, 1}, {2, 2, 1, 1, 1, 1},
      {4, 1, 1, 1, 1, 1}, {1, 4, 1, 1, 1, 1}, {4, 2, 1, 1, 1, 1}, {2, 4, 1, 1, 1, 1},
      {2, 2, 2, 1, 1, 2}, {1, 1, 2, 2, 2, 2}};
  int ns = (int) (sizeof samplings / sizeof samplings[0]);
  for (int i = 0; i < ns; i++) {
    jpeg(45 + i, 37 + 2 * i, 3, JCS_RGB, samplings[i], 0, 0, 1, (uint8_t) (i & 3));
    jpeg(40 + i, 33 + i, 3, JCS_RGB, samplings[i], 1, 0, 1, (uint8_t) ((i & 3) | 8 | 4));
  }
  jpeg(64, 48, 3, JCS_RGB, samplings[3], 0, 1, 1, 5);        /* restart markers */
  jpeg(50, 30, 1, JCS_GRAYSCALE, NULL, 0, 0, 1, 2);          /* grayscale */
  jpeg(50, 30, 1, JCS_GRAYSCALE, NULL, 1, 0, 1, 1 | 16);     /* progressive grayscale */
  jpeg(36, 28, 4, JCS_CMYK, NULL, 0, 0, 1, 0);               /* CMYK */
  for (int o = 2; o <= 8; o++) jpeg(41, 29, 3, JCS_RGB, samplings[3], o & 1, 0, o, (uint8_t) (o & 3));
  png(31, 23, PNG_COLOR_TYPE_RGB, 8, 0, 0);
  png(31, 23, PNG_COLOR_TYPE_RGB, 8, 1, 8);
  png(29, 21, PNG_COLOR_TYPE_RGB_ALPHA, 8, 0, 16);
  png(29, 21, PNG_COLOR_TYPE_RGB, 16, 1, 0);
  png(27, 19, PNG_COLOR_TYPE_GRAY, 1, 0, 8);
  png(27, 19, PNG_COLOR_TYPE_GRAY, 2, 1, 0);
  png(27, 19, PNG_COLOR_TYPE_GRAY, 4, 0, 16);
  png(27, 19, PNG_COLOR_TYPE_GRAY, 16, 0, 0);
  png(27, 19, PNG_COLOR_TYPE_GRAY_ALPHA, 8, 1, 8);
  png(25, 17, PNG_COLOR_TYPE_PALETTE, 8, 0, 0);
  png(25, 17, PNG_COLOR_TYPE_PALETTE, 2, 1, 16);
  printf("%d seeds in %s\n", count, dir);
  return 0;
}
